//! Mail: composing a message (HTML and plain text, list headers, optional DKIM signature)
//! and handing it to a transport: an SMTP server (lettre's client, with TLS and
//! authentication as configured) or a folder that receives one `.eml` file per message, the
//! default, so nothing leaves the machine by accident.
//!
//! Delivery takes a `commit` callback that runs at the last moment the message can still be
//! withdrawn: over SMTP, after the whole message is written and before the final `.` that
//! makes the server accept it (a server discards a message whose connection closes before
//! that dot, RFC 5321 §4.1.1.4); in a folder, after the file is in place (a second delivery
//! under the same name replaces it). The caller records the message as sent in that
//! callback, so a process killed at any moment either has sent and recorded the message or
//! has done neither, except for the few microseconds between the record and the write of
//! the dot.

use lettre::message::dkim::{DkimConfig, DkimSigningAlgorithm, DkimSigningKey};
use lettre::message::header::{HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::transport::smtp::client::{AsyncSmtpConnection, TlsParameters};
use lettre::transport::smtp::commands::{Data, Mail, Rcpt, Rset};
use lettre::transport::smtp::extension::ClientId;
use lettre::{Address, Message};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

/// What can go wrong before a message is handed over.
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    /// An address that mail cannot be sent to.
    #[error("{0:?} is not a valid email address")]
    Address(String),
    /// The message could not be built.
    #[error("composing the message: {0}")]
    Compose(String),
    /// The DKIM key could not be read.
    #[error("DKIM key: {0}")]
    Dkim(String),
    /// The transport could not be reached.
    #[error("{0}")]
    Connect(String),
}

/// How a delivery attempt ended, when it did not deliver.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DeliveryError {
    /// `commit` declined: the message was withdrawn before the server accepted it.
    #[error("withdrawn before the server accepted it")]
    Withdrawn,
    /// The server refused the recipient for good (5xx to `RCPT`): a bounce.
    #[error("recipient refused: {0}")]
    Bounced(String),
    /// The server refused the message; `permanent` for 5xx, else try again later.
    /// `committed` says whether `commit` had already run (the caller must undo its record).
    #[error("refused: {reason}")]
    Refused {
        /// 5xx rather than 4xx.
        permanent: bool,
        /// Whether `commit` ran before the refusal.
        committed: bool,
        /// The server's answer.
        reason: String,
    },
    /// The connection failed; the connection must be dropped and made again.
    #[error("connection failed: {reason}")]
    Broken {
        /// Whether `commit` ran before the failure (the server may then have the message).
        committed: bool,
        /// What failed.
        reason: String,
    },
}

/// How to reach the SMTP server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Security {
    /// Plain text (a relay on the same machine or a test sink).
    None,
    /// Plain connection upgraded with STARTTLS (port 587); refused if the server cannot.
    StartTls,
    /// TLS from the first byte (port 465).
    Tls,
}

/// An SMTP server.
#[derive(Debug, Clone)]
pub struct SmtpSettings {
    /// Host name (also checked against its certificate).
    pub host: String,
    /// Port.
    pub port: u16,
    /// Transport security.
    pub security: Security,
    /// User name and password, when the server wants them.
    pub credentials: Option<(String, String)>,
    /// How long one command may take.
    pub timeout: Duration,
}

/// Where messages go.
#[derive(Debug, Clone)]
pub enum Transport {
    /// One `.eml` file per message in this folder.
    Folder(PathBuf),
    /// An SMTP server.
    Smtp(SmtpSettings),
}

/// DKIM signing settings.
#[derive(Debug, Clone)]
pub struct DkimSettings {
    /// The signing domain (`d=`).
    pub domain: String,
    /// The selector (`s=`): the key is published at `{selector}._domainkey.{domain}`.
    pub selector: String,
    /// The private key: PKCS#1 PEM for RSA, base64 of the 32-byte seed for Ed25519.
    pub key: String,
    /// `rsa` or `ed25519`.
    pub ed25519: bool,
}

/// The sender: who mail is from, how it is signed and where it goes. Cheap to clone.
#[derive(Clone)]
pub struct Mailer {
    from: Mailbox,
    transport: Transport,
    dkim: Option<Arc<DkimConfig>>,
    hello: ClientId,
}

/// One message to compose.
#[derive(Debug, Clone)]
pub struct Letter<'a> {
    /// The recipient's address.
    pub to: &'a str,
    /// Subject line.
    pub subject: &'a str,
    /// The HTML part.
    pub html: String,
    /// The plain-text part.
    pub text: String,
    /// A unique id for the message, without angle brackets (`42.7@example.com`).
    pub message_id: String,
    /// The https address that unsubscribes with one POST (RFC 8058), for list mail.
    pub unsubscribe: Option<&'a str>,
    /// The list's id (`digest.ar.example.com`), for list mail.
    pub list_id: Option<String>,
}

/// A composed message and its recipient.
#[derive(Debug, Clone)]
pub struct Composed {
    from: Address,
    to: Address,
    bytes: Vec<u8>,
}

impl Composed {
    /// The whole message as it goes on the wire.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }
}

/// Checks an address the way delivery will: `local@domain`, ASCII, with a dotted domain.
pub fn parse_address(text: &str) -> Result<Address, MailError> {
    let t = text.trim();
    let bad = || MailError::Address(t.to_owned());
    if !t.is_ascii() || t.len() > 254 {
        return Err(bad());
    }
    let a: Address = t.parse().map_err(|_| bad())?;
    let domain = a.domain();
    if !domain.contains('.') || domain.starts_with('.') || domain.ends_with('.') {
        return Err(bad());
    }
    Ok(a)
}

impl Mailer {
    /// A mailer sending as `from` (`Name <address>`).
    pub fn new(
        from: &str,
        transport: Transport,
        dkim: Option<&DkimSettings>,
    ) -> Result<Mailer, MailError> {
        let from: Mailbox = from
            .parse()
            .map_err(|_| MailError::Address(from.to_owned()))?;
        let dkim = match dkim {
            None => None,
            Some(d) => {
                let alg = if d.ed25519 {
                    DkimSigningAlgorithm::Ed25519
                } else {
                    DkimSigningAlgorithm::Rsa
                };
                let key = DkimSigningKey::new(d.key.trim(), alg)
                    .map_err(|e| MailError::Dkim(format!("{e:?}")))?;
                let headers = [
                    "From",
                    "To",
                    "Subject",
                    "Date",
                    "Message-ID",
                    "List-Unsubscribe",
                    "List-Unsubscribe-Post",
                ]
                .into_iter()
                .map(HeaderName::new_from_ascii_str)
                .collect();
                Some(Arc::new(DkimConfig::new(
                    d.selector.clone(),
                    d.domain.clone(),
                    key,
                    headers,
                    lettre::message::dkim::DkimCanonicalization {
                        header: lettre::message::dkim::DkimCanonicalizationType::Relaxed,
                        body: lettre::message::dkim::DkimCanonicalizationType::Relaxed,
                    },
                )))
            }
        };
        let hello = ClientId::Domain(from.email.domain().to_owned());
        Ok(Mailer {
            from,
            transport,
            dkim,
            hello,
        })
    }

    /// The sender's domain (for message ids).
    pub fn domain(&self) -> &str {
        self.from.email.domain()
    }

    /// The sender's address, without its name (`newsletter@example.com`).
    pub fn address(&self) -> String {
        self.from.email.to_string()
    }

    /// Whether messages go to a folder rather than a server.
    pub fn is_folder(&self) -> bool {
        matches!(self.transport, Transport::Folder(_))
    }

    /// Builds the message: `multipart/alternative` with the text part first, `Date`,
    /// `Message-ID`, and for list mail `List-Id`, `List-Unsubscribe` and
    /// `List-Unsubscribe-Post: List-Unsubscribe=One-Click`; signed when DKIM is set.
    pub fn compose(&self, l: &Letter<'_>, date: jiff::Timestamp) -> Result<Composed, MailError> {
        let to = parse_address(l.to)?;
        let mut b = Message::builder()
            .from(self.from.clone())
            .to(Mailbox::new(None, to.clone()))
            .subject(l.subject)
            .date(
                std::time::UNIX_EPOCH
                    + Duration::from_secs(u64::try_from(date.as_second()).unwrap_or(0)),
            )
            .message_id(Some(format!("<{}>", l.message_id)));
        if let Some(url) = l.unsubscribe {
            b = b
                .raw_header(HeaderValue::new(
                    HeaderName::new_from_ascii_str("List-Unsubscribe"),
                    format!("<{url}>"),
                ))
                .raw_header(HeaderValue::new(
                    HeaderName::new_from_ascii_str("List-Unsubscribe-Post"),
                    "List-Unsubscribe=One-Click".to_owned(),
                ));
        }
        if let Some(id) = &l.list_id {
            b = b.raw_header(HeaderValue::new(
                HeaderName::new_from_ascii_str("List-Id"),
                format!("<{id}>"),
            ));
        }
        let mut m = b
            .multipart(MultiPart::alternative_plain_html(
                l.text.clone(),
                l.html.clone(),
            ))
            .map_err(|e| MailError::Compose(e.to_string()))?;
        if let Some(d) = &self.dkim {
            m.sign(d);
        }
        Ok(Composed {
            from: self.from.email.clone(),
            to,
            bytes: m.formatted(),
        })
    }

    /// Opens a connection (for SMTP: connects, upgrades to TLS and signs in as set).
    pub async fn connect(&self) -> Result<Connection, MailError> {
        match &self.transport {
            Transport::Folder(dir) => {
                use std::os::unix::fs::DirBuilderExt;
                std::fs::DirBuilder::new()
                    .recursive(true)
                    .mode(0o700)
                    .create(dir)
                    .map_err(|e| MailError::Connect(format!("creating {}: {e}", dir.display())))?;
                Ok(Connection::Folder(dir.clone()))
            }
            Transport::Smtp(s) => {
                let fail =
                    |e: String| MailError::Connect(format!("SMTP {}:{}: {e}", s.host, s.port));
                let err = |e: lettre::transport::smtp::Error| fail(e.to_string());
                let tls = || TlsParameters::new(s.host.clone()).map_err(err);
                let mut c = if s.security == Security::Tls {
                    AsyncSmtpConnection::connect_tokio1(
                        (s.host.as_str(), s.port),
                        Some(s.timeout),
                        &self.hello,
                        Some(tls()?),
                        None,
                    )
                    .await
                    .map_err(err)?
                } else {
                    // Our own socket, to turn Nagle's algorithm off: the final dot is a
                    // write of its own after the body, and with Nagle on it waits for the
                    // server's delayed acknowledgement of the body (40 ms on Linux).
                    let tcp = tokio::time::timeout(
                        s.timeout,
                        tokio::net::TcpStream::connect((s.host.as_str(), s.port)),
                    )
                    .await
                    .map_err(|_| fail("connection timed out".into()))?
                    .map_err(|e| fail(e.to_string()))?;
                    tcp.set_nodelay(true).map_err(|e| fail(e.to_string()))?;
                    AsyncSmtpConnection::connect_with_transport(Box::new(tcp), &self.hello)
                        .await
                        .map_err(err)?
                };
                if s.security == Security::StartTls {
                    c.starttls(tls()?, &self.hello).await.map_err(err)?;
                }
                if let Some((user, password)) = &s.credentials {
                    c.auth(
                        &[Mechanism::Plain, Mechanism::Login],
                        &Credentials::new(user.clone(), password.clone()),
                    )
                    .await
                    .map_err(err)?;
                }
                Ok(Connection::Smtp(Box::new(c)))
            }
        }
    }
}

/// An open transport.
pub enum Connection {
    /// Writing files into this folder.
    Folder(PathBuf),
    /// A session with an SMTP server.
    Smtp(Box<AsyncSmtpConnection>),
}

/// The signal a withdrawn SMTP delivery unwinds with (see [`Connection::deliver`]).
struct Withdraw;

// A withdrawn SMTP delivery unwinds out of lettre's iterator: built to abort on panic, the
// withdrawal would end the process instead.
#[cfg(not(panic = "unwind"))]
compile_error!("arabpress-mail needs panic = \"unwind\": withdrawing an SMTP message unwinds");

impl Connection {
    /// Delivers one message. `name` identifies it (the folder transport's file name);
    /// `commit` runs at the last moment the message can be withdrawn and returns whether to
    /// go on. After [`DeliveryError::Withdrawn`] or [`DeliveryError::Broken`], drop the
    /// connection (an SMTP session is then mid-message) and make a new one.
    pub async fn deliver(
        &mut self,
        m: &Composed,
        name: &str,
        commit: impl FnOnce() -> bool,
    ) -> Result<(), DeliveryError> {
        match self {
            Connection::Folder(dir) => deliver_to_folder(dir, m, name, commit),
            Connection::Smtp(c) => deliver_smtp(c, m, commit).await,
        }
    }

    /// Ends the session politely.
    pub async fn close(self) {
        if let Connection::Smtp(mut c) = self {
            let _ = c.quit().await;
        }
    }
}

fn deliver_to_folder(
    dir: &Path,
    m: &Composed,
    name: &str,
    commit: impl FnOnce() -> bool,
) -> Result<(), DeliveryError> {
    let broken = |e: std::io::Error| DeliveryError::Broken {
        committed: false,
        reason: e.to_string(),
    };
    let safe: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '.' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let scratch = dir.join(format!(".{safe}.tmp"));
    {
        use std::io::Write;
        use std::os::unix::fs::OpenOptionsExt;
        // Mail holds confirmation and unsubscribe links: readable by this account only.
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .mode(0o600)
            .open(&scratch)
            .map_err(broken)?;
        f.write_all(&m.bytes).map_err(broken)?;
    }
    // In place before the record: a repeat after a crash overwrites the same file.
    std::fs::rename(&scratch, dir.join(format!("{safe}.eml"))).map_err(broken)?;
    if commit() {
        Ok(())
    } else {
        Err(DeliveryError::Withdrawn)
    }
}

async fn deliver_smtp(
    c: &mut AsyncSmtpConnection,
    m: &Composed,
    commit: impl FnOnce() -> bool,
) -> Result<(), DeliveryError> {
    use lettre::transport::smtp::Error as SmtpError;
    let reason = |e: &SmtpError| e.to_string();
    let refused = |e: &SmtpError, committed: bool| {
        if e.is_permanent() || e.is_transient() {
            DeliveryError::Refused {
                permanent: e.is_permanent(),
                committed,
                reason: reason(e),
            }
        } else {
            DeliveryError::Broken {
                committed,
                reason: reason(e),
            }
        }
    };
    // Before DATA a refusal leaves the session usable once reset.
    async fn reset(c: &mut AsyncSmtpConnection, e: DeliveryError) -> DeliveryError {
        if c.command(Rset).await.is_err() {
            return DeliveryError::Broken {
                committed: false,
                reason: e.to_string(),
            };
        }
        e
    }
    if let Err(e) = c.command(Mail::new(Some(m.from.clone()), Vec::new())).await {
        let e = refused(&e, false);
        return Err(reset(c, e).await);
    }
    if let Err(e) = c.command(Rcpt::new(m.to.clone(), Vec::new())).await {
        let e = if e.is_permanent() {
            DeliveryError::Bounced(reason(&e))
        } else {
            refused(&e, false)
        };
        return Err(reset(c, e).await);
    }
    if let Err(e) = c.command(Data).await {
        let e = refused(&e, false);
        return Err(reset(c, e).await);
    }
    // lettre writes each part the iterator yields, then the final dot. The iterator's
    // last step runs `commit`; when it declines, unwinding out of `message_iter` leaves
    // the dot unwritten, and dropping the connection discards the message at the server.
    let mut commit = Some(commit);
    let mut committed = false;
    let mut body = Some(m.bytes.as_slice());
    let parts = std::iter::from_fn(|| {
        if let Some(b) = body.take() {
            return Some(b);
        }
        if let Some(f) = commit.take() {
            if f() {
                committed = true;
            } else {
                std::panic::resume_unwind(Box::new(Withdraw));
            }
        }
        None
    });
    let sent =
        futures_util::FutureExt::catch_unwind(std::panic::AssertUnwindSafe(c.message_iter(parts)))
            .await;
    match sent {
        Ok(Ok(_)) => Ok(()),
        Ok(Err(e)) => Err(refused(&e, committed)),
        Err(payload) if payload.is::<Withdraw>() => Err(DeliveryError::Withdrawn),
        Err(payload) => std::panic::resume_unwind(payload),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folder_mailer(dir: &Path) -> Mailer {
        Mailer::new(
            "Arab Press <newsletter@arabpress.example>",
            Transport::Folder(dir.to_path_buf()),
            None,
        )
        .unwrap()
    }

    fn letter(to: &str) -> Letter<'_> {
        Letter {
            to,
            subject: "موجز اليوم",
            html: "<p dir=\"rtl\">مرحباً</p>".into(),
            text: "مرحباً".into(),
            message_id: "7.newsletter@arabpress.example".into(),
            unsubscribe: Some("https://arabpress.example/ar/newsletter/unsubscribe?t=7.ab"),
            list_id: Some("digest.ar.arabpress.example".into()),
        }
    }

    fn at() -> jiff::Timestamp {
        jiff::Timestamp::from_second(1_770_000_000).unwrap()
    }

    #[test]
    fn addresses_mail_can_reach() {
        assert!(parse_address(" reader@example.org ").is_ok());
        for bad in [
            "",
            "reader",
            "reader@localhost",
            "@example.org",
            "قارئ@example.org",
            "a@.org",
        ] {
            assert!(parse_address(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn list_mail_carries_its_headers_and_both_parts() {
        let dir = std::env::temp_dir();
        let m = folder_mailer(&dir)
            .compose(&letter("reader@example.org"), at())
            .unwrap();
        let text = String::from_utf8_lossy(m.bytes());
        for h in [
            "From: \"Arab Press\" <newsletter@arabpress.example>\r\n",
            "To: reader@example.org\r\n",
            "Message-ID: <7.newsletter@arabpress.example>\r\n",
            "List-Unsubscribe: <https://arabpress.example/ar/newsletter/unsubscribe?t=7.ab>\r\n",
            "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n",
            "List-Id: <digest.ar.arabpress.example>\r\n",
            "Date: ",
            "Content-Type: multipart/alternative",
            "Content-Type: text/plain; charset=utf-8",
            "Content-Type: text/html; charset=utf-8",
        ] {
            assert!(text.contains(h), "{h:?} missing in\n{text}");
        }
        assert!(matches!(
            folder_mailer(&dir).compose(&letter("not an address"), at()),
            Err(MailError::Address(_))
        ));
    }

    #[test]
    fn a_bad_sender_or_key_is_refused_at_start() {
        let t = Transport::Folder(std::env::temp_dir());
        assert!(matches!(
            Mailer::new("nobody", t.clone(), None),
            Err(MailError::Address(_))
        ));
        let dkim = DkimSettings {
            domain: "arabpress.example".into(),
            selector: "news".into(),
            key: "not a key".into(),
            ed25519: false,
        };
        assert!(matches!(
            Mailer::new("a@arabpress.example", t, Some(&dkim)),
            Err(MailError::Dkim(_))
        ));
    }

    /// A loopback SMTP server that says yes to everything. Each session, when it ends,
    /// sends the messages it kept: those that ended with the final dot.
    async fn smtp_sink() -> (u16, tokio::sync::mpsc::UnboundedReceiver<Vec<Vec<u8>>>) {
        use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
        tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                let tx = tx.clone();
                tokio::spawn(async move {
                    let (r, mut w) = socket.into_split();
                    let mut r = BufReader::new(r);
                    let mut kept = Vec::new();
                    let mut data: Option<Vec<u8>> = None;
                    let mut line = Vec::new();
                    let _ = w.write_all(b"220 sink ESMTP\r\n").await;
                    loop {
                        line.clear();
                        if r.read_until(b'\n', &mut line).await.unwrap_or(0) == 0 {
                            break;
                        }
                        if let Some(body) = data.as_mut() {
                            if line == b".\r\n" {
                                kept.extend(data.take());
                                let _ = w.write_all(b"250 kept\r\n").await;
                            } else {
                                body.extend_from_slice(&line);
                            }
                            continue;
                        }
                        let verb = line.get(..4).unwrap_or_default().to_ascii_uppercase();
                        let reply: &[u8] = match verb.as_slice() {
                            b"DATA" => {
                                data = Some(Vec::new());
                                b"354 go on\r\n"
                            }
                            b"QUIT" => b"221 bye\r\n",
                            _ => b"250 ok\r\n",
                        };
                        let _ = w.write_all(reply).await;
                    }
                    let _ = tx.send(kept);
                });
            }
        });
        (port, rx)
    }

    /// The SMTP delivery relies on two things lettre does not promise: `message_iter` asks
    /// its iterator for the next part before it writes the final dot, and a panic unwinds
    /// out of it. Should an upgrade change either, a withdrawn message would reach the
    /// server (or the process would abort), and this fails.
    #[tokio::test]
    async fn an_smtp_message_is_withdrawn_before_its_final_dot_and_kept_after_it() {
        // A lettre that waited for something the sink never sends fails here, not hangs.
        tokio::time::timeout(Duration::from_secs(60), withdrawn_then_kept())
            .await
            .unwrap();
    }

    async fn withdrawn_then_kept() {
        let (port, mut sessions) = smtp_sink().await;
        let smtp = SmtpSettings {
            host: "127.0.0.1".into(),
            port,
            security: Security::None,
            credentials: None,
            timeout: Duration::from_secs(10),
        };
        let mailer = Mailer::new(
            "Arab Press <newsletter@arabpress.example>",
            Transport::Smtp(smtp),
            None,
        )
        .unwrap();
        let m = mailer.compose(&letter("reader@example.org"), at()).unwrap();

        let mut c = mailer.connect().await.unwrap();
        let withdrawn = c.deliver(&m, "7", || false).await;
        assert_eq!(withdrawn, Err(DeliveryError::Withdrawn));
        drop(c);
        let kept = sessions.recv().await.unwrap();
        assert!(kept.is_empty(), "the server kept a withdrawn message");

        let mut c = mailer.connect().await.unwrap();
        assert_eq!(c.deliver(&m, "7", || true).await, Ok(()));
        c.close().await;
        let kept = sessions.recv().await.unwrap();
        assert_eq!(
            kept.len(),
            1,
            "the server did not keep the accepted message"
        );
        let text = String::from_utf8_lossy(&kept[0]);
        assert!(
            text.contains("Message-ID: <7.newsletter@arabpress.example>"),
            "{text}"
        );
    }

    #[tokio::test]
    async fn the_folder_keeps_one_file_per_message_and_a_repeat_replaces_it() {
        let dir = tempfile::tempdir().unwrap();
        let mailer = folder_mailer(dir.path());
        let m = mailer.compose(&letter("reader@example.org"), at()).unwrap();
        let mut c = mailer.connect().await.unwrap();
        assert_eq!(c.deliver(&m, "7", || true).await, Ok(()));
        assert_eq!(c.deliver(&m, "7", || true).await, Ok(()));
        assert_eq!(
            c.deliver(&m, "8", || false).await,
            Err(DeliveryError::Withdrawn)
        );
        let mut names: Vec<String> = std::fs::read_dir(dir.path())
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(names, vec!["7.eml", "8.eml"]);
    }
}
