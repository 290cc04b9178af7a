//! Delivering the outbox: each of a few lanes (one SMTP session each) claims a small batch
//! of due messages, composes them, and hands them to a blocking thread that sends them
//! one by one at the configured rate. A message is recorded as sent by the hook the
//! transport calls at the last moment it can still withdraw it (see `arabpress_mail`), so
//! a process killed at any point neither loses nor repeats a message; a claim a dead
//! worker held is taken again once its lease runs out.

use crate::newsletter::{LinkPurpose, PREFERENCES_MARK, UNSUBSCRIBE_MARK};
use crate::{App, AppError, random_hex};
use arabpress_core::Lang;
use arabpress_mail::{Composed, Connection, DeliveryError, Letter, Mailer};
use arabpress_store::{OutboxFailure, OutboxItem};
use jiff::SignedDuration;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Attempts before a message that keeps failing temporarily is given up.
pub const MAIL_MAX_ATTEMPTS: i64 = 6;
/// Messages a lane claims at a time.
const CLAIM_BATCH: u32 = 25;

/// How long to wait before attempt `attempts + 1`: a minute, doubling, at most six hours.
pub fn mail_backoff(attempts: i64) -> SignedDuration {
    let exp = u32::try_from(attempts.clamp(1, 10) - 1).unwrap_or(0);
    SignedDuration::from_secs((60_i64 << exp).min(6 * 3600))
}

/// Spaces messages out across lanes to at most `per_second`.
struct Limiter {
    next: Mutex<Instant>,
    gap: Option<Duration>,
}

impl Limiter {
    fn new(per_second: u32) -> Limiter {
        Limiter {
            next: Mutex::new(Instant::now()),
            gap: (per_second > 0).then(|| Duration::from_secs_f64(1.0 / f64::from(per_second))),
        }
    }

    /// Blocks until this message's turn.
    fn wait(&self) {
        let Some(gap) = self.gap else { return };
        let slot = match self.next.lock() {
            Ok(mut next) => {
                let slot = (*next).max(Instant::now());
                *next = slot + gap;
                slot
            }
            Err(_) => return,
        };
        let now = Instant::now();
        if slot > now {
            std::thread::sleep(slot - now);
        }
    }
}

/// A send's message, composed once per lane.
struct SendBody {
    subject: String,
    lang: Lang,
    list: String,
    html: String,
    text: String,
}

impl App {
    /// Delivers due mail until none is left; returns how many messages were sent. Does
    /// nothing until [`App::set_mail`] is called.
    pub async fn deliver_mail(&self) -> Result<u64, AppError> {
        let Some(settings) = self.mail().cloned() else {
            return Ok(0);
        };
        let limiter = Arc::new(Limiter::new(settings.per_second));
        let mut lanes = tokio::task::JoinSet::new();
        for _ in 0..settings.connections.max(1) {
            let app = self.clone();
            let limiter = Arc::clone(&limiter);
            let mailer = settings.mailer.clone();
            lanes
                .spawn(async move { app.mail_lane(mailer, settings.lease_seconds, limiter).await });
        }
        let mut sent = 0;
        let mut failure = None;
        while let Some(done) = lanes.join_next().await {
            match done {
                Ok(Ok(n)) => sent += n,
                Ok(Err(e)) => failure = Some(e),
                Err(e) => failure = Some(AppError::Internal(format!("mail lane: {e}"))),
            }
        }
        self.store().finish_sends(self.now()).await?;
        match failure {
            Some(e) if sent == 0 => Err(e),
            Some(e) => {
                tracing::warn!(error = %e, sent, "a mail lane stopped early");
                Ok(sent)
            }
            None => Ok(sent),
        }
    }

    async fn mail_lane(
        &self,
        mailer: Mailer,
        lease_seconds: i64,
        limiter: Arc<Limiter>,
    ) -> Result<u64, AppError> {
        let mut conn: Option<Connection> = None;
        let mut bodies: HashMap<i64, Arc<SendBody>> = HashMap::new();
        let mut sent = 0;
        loop {
            let claim = random_hex(16)?;
            let now = self.now();
            let items = self
                .store()
                .claim_outbox(
                    &claim,
                    now,
                    now + SignedDuration::from_secs(lease_seconds.max(10)),
                    CLAIM_BATCH,
                )
                .await?;
            if items.is_empty() {
                break;
            }
            let mut batch = Vec::with_capacity(items.len());
            for item in items {
                match self.compose_item(&mailer, &item, &mut bodies).await {
                    Ok(m) => batch.push((item, m)),
                    Err(e) => {
                        tracing::warn!(id = item.id, error = %e, "a message could not be composed");
                        self.store()
                            .record_outbox_failure(
                                item.id,
                                &claim,
                                &OutboxFailure::Failed(e.to_string()),
                            )
                            .await?;
                    }
                }
            }
            let app = self.clone();
            let handle = tokio::runtime::Handle::current();
            let lim = Arc::clone(&limiter);
            let m = mailer.clone();
            let c = claim.clone();
            let (back, results) = tokio::task::spawn_blocking(move || {
                deliver_batch(&app, &handle, &m, conn, batch, &c, &lim)
            })
            .await
            .map_err(|e| AppError::Internal(format!("mail delivery thread: {e}")))?;
            conn = back;
            for (item, result) in results {
                match result {
                    Ok(()) => sent += 1,
                    Err(e) => self.record_mail_failure(&item, &claim, e).await?,
                }
            }
        }
        if let Some(c) = conn {
            c.close().await;
        }
        Ok(sent)
    }

    async fn record_mail_failure(
        &self,
        item: &OutboxItem,
        claim: &str,
        e: DeliveryError,
    ) -> Result<(), AppError> {
        let retry = |reason: String| {
            if item.attempts >= MAIL_MAX_ATTEMPTS {
                OutboxFailure::Failed(format!("{reason} (after {} attempts)", item.attempts))
            } else {
                OutboxFailure::Retry(self.now() + mail_backoff(item.attempts), reason)
            }
        };
        let failure = match e {
            DeliveryError::Withdrawn => return Ok(()),
            DeliveryError::Broken {
                committed: true,
                reason,
            } => {
                // The dot was written: the server most likely has the message.
                tracing::warn!(id = item.id, %reason, "connection lost after a message was handed over; counted as sent");
                return Ok(());
            }
            DeliveryError::Bounced(reason) => OutboxFailure::Bounced(reason),
            DeliveryError::Refused {
                permanent: true,
                reason,
                ..
            } => OutboxFailure::Failed(reason),
            DeliveryError::Refused { reason, .. } | DeliveryError::Broken { reason, .. } => {
                retry(reason)
            }
        };
        tracing::info!(id = item.id, email = %item.email, ?failure, "mail not delivered");
        self.store()
            .record_outbox_failure(item.id, claim, &failure)
            .await?;
        Ok(())
    }

    async fn compose_item(
        &self,
        mailer: &Mailer,
        item: &OutboxItem,
        bodies: &mut HashMap<i64, Arc<SendBody>>,
    ) -> Result<Composed, AppError> {
        let message_id = format!("{}.{}@{}", item.id, item.kind, mailer.domain());
        let mail_err = |e: arabpress_mail::MailError| AppError::Invalid(e.to_string());
        if let Some(send_id) = item.send_id {
            let body = match bodies.get(&send_id) {
                Some(b) => Arc::clone(b),
                None => {
                    let send = self
                        .store()
                        .send(send_id)
                        .await?
                        .ok_or(AppError::NotFound)?;
                    let (html, text) = self.store().send_body(send_id).await?;
                    let b = Arc::new(SendBody {
                        subject: send.subject,
                        lang: send.lang.parse().unwrap_or(Lang::Ar),
                        list: send.list,
                        html,
                        text,
                    });
                    bodies.insert(send_id, Arc::clone(&b));
                    b
                }
            };
            let unsubscribe = self
                .link_url(
                    LinkPurpose::Unsubscribe,
                    body.lang,
                    item.subscriber_id,
                    &item.email,
                )
                .await?;
            let preferences = self
                .link_url(
                    LinkPurpose::Manage,
                    body.lang,
                    item.subscriber_id,
                    &item.email,
                )
                .await?;
            let fill = |s: &str| {
                s.replace(UNSUBSCRIBE_MARK, &unsubscribe)
                    .replace(PREFERENCES_MARK, &preferences)
            };
            let letter = Letter {
                to: &item.email,
                subject: &body.subject,
                html: fill(&body.html),
                text: fill(&body.text),
                message_id,
                unsubscribe: Some(&unsubscribe),
                list_id: Some(format!(
                    "{}.{}.{}",
                    body.list.replace(':', "-"),
                    body.lang,
                    mailer.domain()
                )),
            };
            return mailer.compose(&letter, self.now()).map_err(mail_err);
        }
        let s = self
            .store()
            .subscriber(item.subscriber_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let (subject, html, text) = self.personal_mail(&item.kind, &s).await?;
        let letter = Letter {
            to: &item.email,
            subject: &subject,
            html,
            text,
            message_id,
            unsubscribe: None,
            list_id: None,
        };
        mailer.compose(&letter, self.now()).map_err(mail_err)
    }
}

type Delivered = Vec<(OutboxItem, Result<(), DeliveryError>)>;

/// Sends a batch on one connection (made or remade as needed); runs on a blocking thread.
fn deliver_batch(
    app: &App,
    handle: &tokio::runtime::Handle,
    mailer: &Mailer,
    mut conn: Option<Connection>,
    batch: Vec<(OutboxItem, Composed)>,
    claim: &str,
    limiter: &Limiter,
) -> (Option<Connection>, Delivered) {
    let mut out = Vec::with_capacity(batch.len());
    let mut unreachable: Option<String> = None;
    for (item, m) in batch {
        if let Some(reason) = &unreachable {
            out.push((
                item,
                Err(DeliveryError::Broken {
                    committed: false,
                    reason: reason.clone(),
                }),
            ));
            continue;
        }
        let c = match conn.as_mut() {
            Some(c) => c,
            None => match handle.block_on(mailer.connect()) {
                Ok(c) => conn.insert(c),
                Err(e) => {
                    tracing::warn!(error = %e, "mail server unreachable");
                    unreachable = Some(e.to_string());
                    out.push((
                        item,
                        Err(DeliveryError::Broken {
                            committed: false,
                            reason: e.to_string(),
                        }),
                    ));
                    continue;
                }
            },
        };
        limiter.wait();
        let id = item.id;
        let name = format!("{id}");
        let result = handle.block_on(c.deliver(&m, &name, || {
            match run_here(handle, app.store().mark_sent(id, claim, app.now())) {
                Ok(held) => held,
                Err(e) => {
                    tracing::warn!(id, error = %e, "recording a message as sent failed; withdrawn");
                    false
                }
            }
        }));
        if matches!(
            result,
            Err(DeliveryError::Withdrawn | DeliveryError::Broken { .. })
        ) {
            conn = None;
        }
        out.push((item, result));
    }
    (conn, out)
}

/// Runs a future to completion on this thread, in the runtime's context but without
/// `block_on` (delivery already runs inside one): it polls without parking for a while
/// first, then parks until woken. Recording a message as sent is the last step before the
/// final dot goes to the server; a parked thread would need waking (and, on a busy
/// machine, a free core) between the two, and a process killed then would have recorded a
/// message the server never got.
fn run_here<F: std::future::Future>(handle: &tokio::runtime::Handle, f: F) -> F::Output {
    struct Unpark(std::thread::Thread);
    impl std::task::Wake for Unpark {
        fn wake(self: Arc<Self>) {
            self.0.unpark();
        }
    }
    let _runtime = handle.enter();
    let mut f = std::pin::pin!(f);
    let waker = std::task::Waker::from(Arc::new(Unpark(std::thread::current())));
    let mut cx = std::task::Context::from_waker(&waker);
    let started = Instant::now();
    loop {
        if let std::task::Poll::Ready(v) = f.as_mut().poll(&mut cx) {
            return v;
        }
        if started.elapsed() < Duration::from_millis(20) {
            std::hint::spin_loop();
        } else {
            std::thread::park_timeout(Duration::from_millis(5));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_to_six_hours() {
        assert_eq!(mail_backoff(1), SignedDuration::from_secs(60));
        assert_eq!(mail_backoff(2), SignedDuration::from_secs(120));
        assert_eq!(mail_backoff(5), SignedDuration::from_secs(960));
        assert_eq!(mail_backoff(10), SignedDuration::from_secs(6 * 3600));
    }
}
