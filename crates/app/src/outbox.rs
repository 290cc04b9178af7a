//! Delivering the outbox: each of a few lanes (one SMTP session each) claims a small batch
//! of due messages, composes them, and hands them to a blocking thread that sends them
//! one by one at the configured rate. A claim a dead worker held is taken again once its
//! lease runs out.
//!
//! A message is recorded as sent by the hook the transport calls at the last moment it can
//! still withdraw it, just before the final dot (see `arabpress_mail`). A process killed
//! between the record and the dot has recorded a message the server never got, so the two
//! are made as close as two consecutive system calls on one thread:
//!
//! * on PostgreSQL the record is a transaction whose `COMMIT` is sent just before the dot;
//!   the server carries it out even if this process dies right after sending it;
//! * on SQLite, which commits inside this process (on another thread, with a sync now and
//!   then), the record is a line appended to the lane's journal file; the database learns
//!   the outcome after the server's reply, and the journals of a process that died are
//!   applied to the database before anything is claimed again.

use crate::newsletter::{LinkPurpose, PREFERENCES_MARK, UNSUBSCRIBE_MARK};
use crate::{App, AppError, random_hex};
use arabpress_core::Lang;
use arabpress_mail::{Composed, Connection, DeliveryError, Letter, Mailer};
use arabpress_store::{HandedOver, OutboxFailure, OutboxItem};
use jiff::SignedDuration;
use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
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
    /// How many messages wait in the outbox (queued or being sent).
    pub async fn outbox_pending(&self) -> Result<u64, AppError> {
        Ok(self.store().outbox_pending().await?)
    }

    /// The latest `limit` sends, newest first, with their messages counted by status.
    pub async fn sends_with_stats(
        &self,
        limit: u32,
    ) -> Result<Vec<(arabpress_store::Send, arabpress_store::SendStats)>, AppError> {
        Ok(self.store().sends_with_stats(limit).await?)
    }

    /// Delivers due mail until none is left; returns how many messages were sent. Does
    /// nothing when the app was built without mail ([`crate::AppBuilder::mail`]).
    pub async fn deliver_mail(&self) -> Result<u64, AppError> {
        let Some(settings) = self.mail().cloned() else {
            return Ok(0);
        };
        self.settle_journals().await?;
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
                Err(e) => failure = Some(AppError::internal("mail lane", e)),
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
        let journal = match self.journal_dir() {
            Some(dir) => Some(Journal::open(&dir).map_err(|e| {
                AppError::internal(format!("outbox journal in {}", dir.display()), e)
            })?),
            None => None,
        };
        let mut lane = Some(Lane {
            conn: None,
            journal,
            unrecorded: false,
        });
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
            let mut l = lane
                .take()
                .ok_or_else(|| AppError::internal("mail lane", "it lost its connections"))?;
            let (mut l, results) = tokio::task::spawn_blocking(move || {
                let results = deliver_batch(&app, &handle, &m, &mut l, batch, &c, &lim);
                (l, results)
            })
            .await
            .map_err(|e| AppError::internal("mail delivery thread", e))?;
            for (item, result) in results {
                match result {
                    Ok(()) => sent += 1,
                    Err(e) => {
                        let journaled = l.journal.is_some();
                        self.record_mail_failure(&item, &claim, e, journaled)
                            .await?;
                    }
                }
            }
            // Every outcome of the batch is in the database now, unless recording one
            // failed: then the journal keeps its lines, to be applied after the lane ends.
            if let Some(j) = &mut l.journal
                && !l.unrecorded
                && let Err(e) = j.clear()
            {
                tracing::warn!(error = %e, "clearing the outbox journal");
            }
            lane = Some(l);
        }
        if let Some(l) = lane {
            if let Some(c) = l.conn {
                c.close().await;
            }
            if let Some(j) = l.journal {
                if l.unrecorded {
                    j.release();
                } else {
                    j.remove();
                }
            }
        }
        Ok(sent)
    }

    async fn record_mail_failure(
        &self,
        item: &OutboxItem,
        claim: &str,
        e: DeliveryError,
        journaled: bool,
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
                if journaled {
                    self.store().mark_sent(item.id, claim, self.now()).await?;
                }
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
        let mail_err = |e: arabpress_mail::MailError| AppError::invalid_input(e.to_string());
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

/// A lane's connection to the mail server (made when first needed) and its journal.
struct Lane {
    conn: Option<Connection>,
    journal: Option<Journal>,
    /// A delivered message's record failed; the journal must be kept.
    unrecorded: bool,
}

type Delivered = Vec<(OutboxItem, Result<(), DeliveryError>)>;

/// Sends a batch on one connection (made or remade as needed); runs on a blocking thread.
fn deliver_batch(
    app: &App,
    handle: &tokio::runtime::Handle,
    mailer: &Mailer,
    lane: &mut Lane,
    batch: Vec<(OutboxItem, Composed)>,
    claim: &str,
    limiter: &Limiter,
) -> Delivered {
    let Lane {
        conn,
        journal,
        unrecorded,
    } = lane;
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
        let mut in_flight = None;
        let result = handle.block_on(c.deliver(&m, &name, || match journal.as_mut() {
            Some(j) => note_sent(handle, app, j, id, claim),
            None => record_sent(handle, app, id, claim, &mut in_flight),
        }));
        if let Some(commit) = in_flight
            && let Err(e) = handle.block_on(commit)
        {
            tracing::error!(id, error = %e, "a delivered message could not be recorded as sent; it may be sent again");
        }
        if journal.is_some() && result.is_ok() {
            match handle.block_on(app.store().mark_sent(id, claim, app.now())) {
                Ok(true) => {}
                Ok(false) => tracing::warn!(id, "a delivered message was no longer held"),
                Err(e) => {
                    tracing::error!(id, error = %e, "recording a delivered message failed; the journal keeps it");
                    *unrecorded = true;
                }
            }
        }
        if matches!(
            result,
            Err(DeliveryError::Withdrawn | DeliveryError::Broken { .. })
        ) {
            *conn = None;
        }
        out.push((item, result));
    }
    out
}

fn withdrawn(id: i64, e: &dyn std::fmt::Display) -> bool {
    tracing::warn!(id, error = %e, "recording a message as sent failed; withdrawn");
    false
}

/// The hook that runs just before the final dot on PostgreSQL: records message `id` as
/// sent, hands the commit to the server (leaving it in `in_flight`, to be awaited after
/// the dot) and says whether to release the message.
fn record_sent(
    handle: &tokio::runtime::Handle,
    app: &App,
    id: i64,
    claim: &str,
    in_flight: &mut Option<HandedOver>,
) -> bool {
    let mark = match run_here(handle, app.store().begin_mark_sent(id, claim, app.now())) {
        Ok(Some(mark)) => mark,
        Ok(None) => return false,
        Err(e) => return withdrawn(id, &e),
    };
    let mut commit = match mark.hand_over() {
        Ok(commit) => commit,
        // Not a database server (and no journal): commit here, then release.
        Err(local) => {
            return match run_here(handle, local.commit()) {
                Ok(()) => true,
                Err(e) => withdrawn(id, &e),
            };
        }
    };
    let _runtime = handle.enter();
    let waker = std::task::Waker::noop();
    match commit
        .as_mut()
        .poll(&mut std::task::Context::from_waker(waker))
    {
        std::task::Poll::Ready(Ok(())) => true,
        std::task::Poll::Ready(Err(e)) => withdrawn(id, &e),
        std::task::Poll::Pending => {
            *in_flight = Some(commit);
            true
        }
    }
}

/// The hook that runs just before the final dot on SQLite: checks the claim, appends the
/// message to the journal and says whether to release it.
fn note_sent(
    handle: &tokio::runtime::Handle,
    app: &App,
    journal: &mut Journal,
    id: i64,
    claim: &str,
) -> bool {
    match run_here(handle, app.store().outbox_held(id, claim)) {
        Ok(true) => {}
        Ok(false) => return false,
        Err(e) => return withdrawn(id, &e),
    }
    match journal.note(id, claim) {
        Ok(()) => true,
        Err(e) => withdrawn(id, &e),
    }
}

/// A lane's journal (SQLite): one line `id claim` per message, appended just before the
/// message's final dot and cleared once the batch's outcomes are in the database. The file
/// is locked while its lane lives, so a journal that can be locked belongs to a lane that
/// is gone, and its lines are messages that may have reached the server without the
/// database knowing.
struct Journal {
    file: std::fs::File,
    path: PathBuf,
}

impl Journal {
    fn open(dir: &Path) -> std::io::Result<Journal> {
        arabpress_store::private::private_dir(dir)?;
        let name = random_hex(8).map_err(std::io::Error::other)?;
        // Locked under a name `settle_journals` ignores, then renamed into view.
        let scratch = dir.join(format!("{name}.new"));
        let file = arabpress_store::private::private_options()
            .create_new(true)
            .append(true)
            .open(&scratch)?;
        file.lock()?;
        let path = dir.join(format!("{name}.journal"));
        std::fs::rename(&scratch, &path)?;
        Ok(Journal { file, path })
    }

    /// Appends one line in one write.
    fn note(&mut self, id: i64, claim: &str) -> std::io::Result<()> {
        self.file.write_all(format!("{id} {claim}\n").as_bytes())
    }

    fn clear(&mut self) -> std::io::Result<()> {
        self.file.set_len(0)
    }

    /// Deletes the journal (its lines are all in the database).
    fn remove(self) {
        if let Err(e) = std::fs::remove_file(&self.path) {
            tracing::warn!(path = %self.path.display(), error = %e, "removing an outbox journal");
        }
    }

    /// Leaves the journal for `settle_journals`.
    fn release(self) {
        let _ = self.file.unlock();
    }
}

impl App {
    /// Where SQLite lanes keep their journals: beside the database file.
    fn journal_dir(&self) -> Option<PathBuf> {
        let db = self.store().sqlite_path()?;
        Some(db.parent()?.join("outbox-journal"))
    }

    /// Applies the journals of lanes that are gone: each message in them is recorded as
    /// sent if it is still being sent under the same claim (that is, nothing recorded its
    /// outcome). Then the journal is deleted.
    pub(crate) async fn settle_journals(&self) -> Result<u64, AppError> {
        let Some(dir) = self.journal_dir() else {
            return Ok(0);
        };
        let entries = match std::fs::read_dir(&dir) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(0),
            Err(e) => return Err(AppError::internal(format!("{}", dir.display()), e)),
        };
        let mut settled = 0;
        for entry in entries.flatten() {
            let path = entry.path();
            if path.extension().and_then(|e| e.to_str()) != Some("journal") {
                continue;
            }
            let Ok(file) = std::fs::OpenOptions::new()
                .read(true)
                .write(true)
                .open(&path)
            else {
                continue;
            };
            if file.try_lock().is_err() {
                continue; // a live lane's
            }
            let text = std::fs::read_to_string(&path)
                .map_err(|e| AppError::internal(format!("{}", path.display()), e))?;
            for line in text.lines() {
                let Some((id, claim)) = line.split_once(' ') else {
                    continue; // a line cut short by the crash
                };
                let Ok(id) = id.parse::<i64>() else { continue };
                if self.store().mark_sent(id, claim, self.now()).await? {
                    settled += 1;
                    tracing::info!(
                        id,
                        "a message a stopped worker handed over is recorded as sent"
                    );
                }
            }
            std::fs::remove_file(&path)
                .map_err(|e| AppError::internal(format!("{}", path.display()), e))?;
        }
        Ok(settled)
    }
}

/// Runs a future to completion on this thread, in the runtime's context but without
/// `block_on` (delivery already runs inside one): it polls without parking for a while
/// first, then parks until woken, so the caller goes on the moment the future is done
/// rather than when a parked thread gets a core again.
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
