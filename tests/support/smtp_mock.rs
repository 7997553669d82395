//! An SMTP server for the tests: speaks enough SMTP for lettre (EHLO/HELO, MAIL FROM, RCPT TO,
//! DATA, RSET, NOOP, QUIT), keeps every message it accepts (decoded: quoted-printable and
//! base64 bodies come out as text), and can be told to refuse the next attempts — with a
//! 4xx or 5xx reply, or by dropping the connection — or to be down altogether.
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

/// How to refuse one delivery attempt (one message).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// `421` at `MAIL FROM`, then the connection is closed: the message is never sent.
    ServiceUnavailable,
    /// The whole message is read, then refused with `451`.
    TransientAfterData,
    /// The whole message is read, then refused with `554`.
    PermanentAfterData,
    /// The connection is closed without a reply at `MAIL FROM`.
    Drop,
}

/// A message the mock accepted.
#[derive(Debug, Clone)]
pub struct Mail {
    pub from: String,
    pub to: Vec<String>,
    pub subject: String,
    /// The decoded text body.
    pub body: String,
}

#[derive(Default)]
struct State {
    accepted: Vec<Mail>,
    refusals: VecDeque<Refusal>,
    /// Refused attempts so far.
    refused: usize,
    /// Connections accepted so far (including those closed at once while down).
    connections: usize,
    /// `MAIL FROM` commands received so far: one per attempt to send a message.
    transactions: usize,
    down: bool,
    /// Wait this long before accepting a message, so that senders overlap.
    accept_delay: Duration,
}

#[derive(Clone)]
pub struct SmtpMock {
    pub port: u16,
    state: Arc<Mutex<State>>,
}

impl SmtpMock {
    pub async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("binding the SMTP mock");
        let port = listener.local_addr().expect("SMTP mock address").port();
        let mock = Self {
            port,
            state: Arc::default(),
        };
        let serving = mock.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let session = serving.clone();
                tokio::spawn(async move { session.serve(stream).await.ok() });
            }
        });
        mock
    }

    /// The `BOOMERANG_SMTP_URL` that reaches this mock.
    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Refuses the next delivery attempts, one refusal each, in order.
    pub fn refuse_next(&self, refusals: impl IntoIterator<Item = Refusal>) {
        self.state.lock().unwrap().refusals.extend(refusals);
    }

    /// While down, a new connection is closed before the greeting, and an open one (a client's
    /// pooled connection) at its next command.
    pub fn set_down(&self, down: bool) {
        self.state.lock().unwrap().down = down;
    }

    pub fn set_accept_delay(&self, delay: Duration) {
        self.state.lock().unwrap().accept_delay = delay;
    }

    /// How many attempts were refused.
    pub fn refused(&self) -> usize {
        self.state.lock().unwrap().refused
    }

    /// How many messages clients tried to send (`MAIL FROM` commands, refused ones included).
    pub fn transactions(&self) -> usize {
        self.state.lock().unwrap().transactions
    }

    /// How many connections were made to the mock.
    pub fn connections(&self) -> usize {
        self.state.lock().unwrap().connections
    }

    /// Every message accepted so far, oldest first.
    pub fn mails(&self) -> Vec<Mail> {
        self.state.lock().unwrap().accepted.clone()
    }

    /// The messages accepted for `recipient`, oldest first.
    pub fn mails_to(&self, recipient: &str) -> Vec<Mail> {
        self.mails()
            .into_iter()
            .filter(|m| m.to.iter().any(|to| to == recipient))
            .collect()
    }

    /// Waits (up to 20 s) until `done` holds for the accepted messages, and returns them.
    pub async fn wait_until(&self, what: &str, done: impl Fn(&[Mail]) -> bool) -> Vec<Mail> {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
        loop {
            let mails = self.mails();
            if done(&mails) {
                return mails;
            }
            if tokio::time::Instant::now() > deadline {
                panic!("the SMTP mock waited in vain for {what}; it has {mails:#?}");
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Waits for the `n`th message (counting from 1) to `recipient` whose subject contains
    /// `subject` and returns it.
    pub async fn nth_mail(&self, recipient: &str, subject: &str, n: usize) -> Mail {
        let matching = |mails: &[Mail]| -> Vec<Mail> {
            mails
                .iter()
                .filter(|m| m.to.iter().any(|to| to == recipient) && m.subject.contains(subject))
                .cloned()
                .collect()
        };
        let mails = self
            .wait_until(&format!("mail {n} to {recipient} ({subject})"), |mails| {
                matching(mails).len() >= n
            })
            .await;
        matching(&mails).swap_remove(n - 1)
    }

    async fn serve(self, stream: TcpStream) -> std::io::Result<()> {
        {
            let mut state = self.state.lock().unwrap();
            state.connections += 1;
            if state.down {
                return Ok(());
            }
        }
        let (read, mut write) = stream.into_split();
        let mut lines = BufReader::new(read);
        write
            .write_all(b"220 boomerang-smtp-mock ready\r\n")
            .await?;
        let mut from = String::new();
        let mut to = Vec::new();
        let mut line = String::new();
        loop {
            line.clear();
            if lines.read_line(&mut line).await? == 0 {
                return Ok(());
            }
            if self.state.lock().unwrap().down {
                return Ok(());
            }
            let command = line.trim_end().to_string();
            let verb = command
                .split([' ', ':'])
                .next()
                .unwrap_or("")
                .to_ascii_uppercase();
            match verb.as_str() {
                "EHLO" | "HELO" => write.write_all(b"250 boomerang-smtp-mock\r\n").await?,
                "MAIL" => {
                    let refusal = {
                        let mut state = self.state.lock().unwrap();
                        state.transactions += 1;
                        let next = state.refusals.front().copied();
                        if matches!(next, Some(Refusal::ServiceUnavailable | Refusal::Drop)) {
                            state.refusals.pop_front();
                            state.refused += 1;
                        }
                        next
                    };
                    match refusal {
                        Some(Refusal::ServiceUnavailable) => {
                            write
                                .write_all(b"421 4.3.2 service not available, try later\r\n")
                                .await?;
                            return Ok(());
                        }
                        Some(Refusal::Drop) => return Ok(()),
                        _ => {}
                    }
                    from = address(&command);
                    to.clear();
                    write.write_all(b"250 2.1.0 ok\r\n").await?;
                }
                "RCPT" => {
                    to.push(address(&command));
                    write.write_all(b"250 2.1.5 ok\r\n").await?;
                }
                "DATA" => {
                    write.write_all(b"354 end with <CRLF>.<CRLF>\r\n").await?;
                    let mut data = String::new();
                    loop {
                        line.clear();
                        if lines.read_line(&mut line).await? == 0 {
                            return Ok(());
                        }
                        if line == ".\r\n" || line == ".\n" {
                            break;
                        }
                        data.push_str(line.strip_prefix('.').unwrap_or(&line));
                    }
                    let (refusal, delay) = {
                        let mut state = self.state.lock().unwrap();
                        let next = state.refusals.pop_front();
                        if next.is_some() {
                            state.refused += 1;
                        }
                        (next, state.accept_delay)
                    };
                    match refusal {
                        Some(Refusal::PermanentAfterData) => {
                            write.write_all(b"554 5.7.1 message refused\r\n").await?;
                        }
                        Some(_) => {
                            write
                                .write_all(b"451 4.3.0 temporary failure, try later\r\n")
                                .await?;
                        }
                        None => {
                            tokio::time::sleep(delay).await;
                            let mail = parse(&from, std::mem::take(&mut to), &data);
                            self.state.lock().unwrap().accepted.push(mail);
                            write.write_all(b"250 2.0.0 queued\r\n").await?;
                        }
                    }
                }
                "RSET" => {
                    from.clear();
                    to.clear();
                    write.write_all(b"250 2.0.0 ok\r\n").await?;
                }
                "NOOP" => write.write_all(b"250 2.0.0 ok\r\n").await?,
                "QUIT" => {
                    write.write_all(b"221 2.0.0 bye\r\n").await?;
                    return Ok(());
                }
                _ => write.write_all(b"502 5.5.2 not implemented\r\n").await?,
            }
        }
    }
}

/// The address in `MAIL FROM:<a@b>` or `RCPT TO:<a@b>`.
fn address(command: &str) -> String {
    command
        .split_once('<')
        .and_then(|(_, rest)| rest.split_once('>'))
        .map(|(address, _)| address.to_string())
        .unwrap_or_default()
}

fn parse(from: &str, to: Vec<String>, data: &str) -> Mail {
    let data = data.replace("\r\n", "\n");
    let (head, body) = data.split_once("\n\n").unwrap_or((&data, ""));
    let unfolded = head.replace("\n ", " ").replace("\n\t", " ");
    let header = |name: &str| {
        unfolded
            .lines()
            .find_map(|l| {
                let (key, value) = l.split_once(':')?;
                key.eq_ignore_ascii_case(name)
                    .then(|| value.trim().to_string())
            })
            .unwrap_or_default()
    };
    let body = match header("Content-Transfer-Encoding")
        .to_ascii_lowercase()
        .as_str()
    {
        "quoted-printable" => quoted_printable(body),
        "base64" => {
            let compact: String = body.split_whitespace().collect();
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(compact)
                .expect("a base64 body");
            String::from_utf8(bytes).expect("a UTF-8 body")
        }
        _ => body.to_string(),
    };
    Mail {
        from: from.to_string(),
        to,
        subject: header("Subject"),
        body: body.replace("\r\n", "\n"),
    }
}

fn quoted_printable(text: &str) -> String {
    let mut bytes = Vec::new();
    let mut rest = text.as_bytes();
    while let Some((&b, tail)) = rest.split_first() {
        match b {
            b'=' if tail.first() == Some(&b'\n') => rest = &tail[1..],
            b'=' if tail.len() >= 2 => {
                let hex = std::str::from_utf8(&tail[..2]).expect("hex digits");
                bytes.push(u8::from_str_radix(hex, 16).expect("a quoted-printable escape"));
                rest = &tail[2..];
            }
            _ => {
                bytes.push(b);
                rest = tail;
            }
        }
    }
    String::from_utf8(bytes).expect("a UTF-8 body")
}
