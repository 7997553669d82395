//! Sending mail. The outbox (`domain::outbox`) holds what to send; the worker (`worker`) turns
//! each due row into a letter and hands it to a `Mailer`: `smtp` sends it through `lettre`;
//! `log` (development, no SMTP configured) writes recipient, subject and — in development
//! only — the link to the log instead, so a developer can still follow it. Nothing is stored.
pub mod worker;

use std::sync::Arc;
use std::time::Duration;

use lettre::message::Mailbox;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use tokio::sync::Notify;

use crate::config::Secret;
use crate::domain::email_ownership::Letter;

/// One SMTP send is abandoned (and retried later) after this. It stays well inside the
/// outbox lease (`domain::outbox::LEASE`), so a claim never runs out while its mail is being
/// sent, and no two workers send the same mail.
pub const SEND_TIMEOUT: Duration = Duration::from_secs(60);
/// Each SMTP command's own timeout.
const COMMAND_TIMEOUT: Duration = Duration::from_secs(20);

pub enum Mailer {
    Log {
        /// Development only: log the link, since there is no other way to receive it.
        show_links: bool,
    },
    Smtp {
        transport: AsyncSmtpTransport<Tokio1Executor>,
        from: Mailbox,
    },
}

impl Mailer {
    /// SMTP when `smtp_url` (e.g. `smtps://user:pass@mail.example.com`) is given, else `log`.
    pub fn from_config(
        smtp_url: Option<&Secret>,
        from: &str,
        show_links: bool,
    ) -> anyhow::Result<Self> {
        let Some(url) = smtp_url else {
            return Ok(Self::Log { show_links });
        };
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url.expose())
            .map_err(|e| anyhow::anyhow!("BOOMERANG_SMTP_URL is not a valid SMTP URL: {e}"))?
            .timeout(Some(COMMAND_TIMEOUT))
            .build();
        let from = from
            .parse()
            .map_err(|e| anyhow::anyhow!("BOOMERANG_MAIL_FROM is not a mailbox: {e}"))?;
        Ok(Self::Smtp { transport, from })
    }

    /// Sends one letter; the error says why it was not accepted, for the outbox's
    /// `last_error` (it never holds the body).
    pub async fn send(&self, letter: &Letter) -> Result<(), String> {
        match self {
            Self::Log { show_links: true } => {
                tracing::info!(outbox_id = letter.outbox_id, to = %letter.to, subject = %letter.subject, link = %letter.link, "mail not sent (log backend, development): follow the link");
                Ok(())
            }
            Self::Log { show_links: false } => {
                tracing::info!(outbox_id = letter.outbox_id, to = %letter.to, subject = %letter.subject, "mail not sent (log backend)");
                Ok(())
            }
            Self::Smtp { transport, from } => {
                let to = letter
                    .to
                    .parse::<Mailbox>()
                    .map_err(|e| format!("the recipient is not a mailbox: {e}"))?;
                let message = Message::builder()
                    .from(from.clone())
                    .to(to)
                    .subject(&letter.subject)
                    .body(letter.body.clone())
                    .map_err(|e| format!("building the message: {e}"))?;
                match tokio::time::timeout(SEND_TIMEOUT, transport.send(message)).await {
                    Ok(Ok(_)) => Ok(()),
                    Ok(Err(e)) => Err(format!("SMTP: {e}")),
                    Err(_) => Err(format!(
                        "SMTP: no answer within {} s",
                        SEND_TIMEOUT.as_secs()
                    )),
                }
            }
        }
    }
}

/// Wakes this process's mail worker when a request has queued mail, so it goes out at once
/// instead of at the next poll. A wake-up while the worker is busy is kept for its next wait.
#[derive(Clone, Default)]
pub struct Wakeup(Arc<Notify>);

impl Wakeup {
    pub fn notify(&self) {
        self.0.notify_one();
    }

    async fn notified(&self) {
        self.0.notified().await;
    }
}
