//! Delivering queued mail. `log` (development) logs who gets which subject — never the body,
//! which carries single-use tokens — and leaves the message in the `outbox_emails` table;
//! `smtp` sends it through `lettre`. Delivery runs after the queuing transaction commits.
use entity::outbox_email;
use lettre::message::Mailbox;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::config::Secret;

pub enum Mailer {
    Log,
    Smtp {
        transport: AsyncSmtpTransport<Tokio1Executor>,
        from: Mailbox,
    },
}

impl Mailer {
    /// SMTP when `smtp_url` (e.g. `smtps://user:pass@mail.example.com`) is given, else `log`.
    pub fn from_config(smtp_url: Option<&Secret>, from: &str) -> anyhow::Result<Self> {
        let Some(url) = smtp_url else {
            return Ok(Self::Log);
        };
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url.expose())
            .map_err(|e| anyhow::anyhow!("BOOMERANG_SMTP_URL is not a valid SMTP URL: {e}"))?
            .build();
        let from = from
            .parse()
            .map_err(|e| anyhow::anyhow!("BOOMERANG_MAIL_FROM is not a mailbox: {e}"))?;
        Ok(Self::Smtp { transport, from })
    }

    /// Delivers best-effort: a failure is logged, and the message stays in the outbox.
    pub async fn deliver(&self, mail: &outbox_email::Model) {
        match self {
            Self::Log => {
                tracing::info!(outbox_id = mail.id, to = %mail.recipient, subject = %mail.subject, "mail queued (log backend)")
            }
            Self::Smtp { transport, from } => {
                let message = mail
                    .recipient
                    .parse::<Mailbox>()
                    .map_err(|e| e.to_string())
                    .and_then(|to| {
                        Message::builder()
                            .from(from.clone())
                            .to(to)
                            .subject(&mail.subject)
                            .body(mail.body.clone())
                            .map_err(|e| e.to_string())
                    });
                let sent = match message {
                    Ok(message) => transport
                        .send(message)
                        .await
                        .map(|_| ())
                        .map_err(|e| e.to_string()),
                    Err(e) => Err(e),
                };
                match sent {
                    Ok(()) => tracing::info!(outbox_id = mail.id, "mail sent"),
                    Err(error) => {
                        tracing::error!(outbox_id = mail.id, %error, "sending mail failed; it stays in the outbox")
                    }
                }
            }
        }
    }
}
