//! The background jobs and the one runner that drives them.
//!
//! A [`Job`] is a round of work with a name, a period and a backoff: publish what is due,
//! deliver webhooks, make the daily digests, purge sessions, tell the CDN what changed, poll
//! wire feeds, speak articles, deliver the mail outbox, follow the change feed, write
//! counted readings. The [`Runner`] gives each job its own task, so a slow wire feed never
//! holds up publishing, and runs a round again at once when it reports more work
//! ([`Next::More`]), after its period when it is idle, and after a growing delay when it
//! fails (logged as "… failed; will retry"), so a passing fault (a database restart, a feed
//! that does not answer) never stops a node.
//!
//! Stopping is graceful: [`Runner::stop`] starts no more rounds and lets those in progress
//! go on for a grace period (a webhook gets its answer, a short mail round its last final
//! dot), then runs each job's last round ([`Job::last_round`], e.g. writing the readings
//! counted since the last flush). A round still running when the grace period ends (a
//! large send) is cancelled where it stands, as if the process had been killed there,
//! which the outbox's claims are built to survive.
//!
//! Which jobs a process runs ([`standard`]): every node follows the change feed and writes
//! its counted readings; a node with the worker (`serve`, unless `--no-worker`, and
//! `arabpress worker`) runs the others. The work each round does is claimed in the store
//! (due articles, outbox messages and webhook deliveries are leased row by row), so several
//! workers share it without doing anything twice.

use crate::{App, AppError, AudioStatus};
use arabpress_core::User;
use arabpress_store::{FailedJob, JobReport, JobStatus, QueueCount};
use futures_util::future::BoxFuture;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Notify;
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

/// What a round of a job found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    /// Nothing more to do: the next round comes after the job's period.
    Idle,
    /// It stopped at its batch size with work left: the next round comes at once.
    More,
}

/// A background job: a round of work run again and again by the [`Runner`].
pub trait Job: Send + Sync + 'static {
    /// Its key: in the store's reports, the newsroom's queue page (its name there is the
    /// message `job-{key}`) and the requests to run it now.
    fn key(&self) -> &'static str;

    /// Its name, in logs: "`name` failed; will retry".
    fn name(&self) -> &'static str;

    /// How long an idle job waits before its next round.
    fn every(&self) -> Duration;

    /// How long to wait after `failures` rounds in a row failed (1 after the first): twice
    /// the period for each failure in a row, at least a second, at most five minutes.
    fn backoff(&self, failures: u32) -> Duration {
        let base = self.every().max(Duration::from_secs(1));
        base.saturating_mul(1 << failures.min(8))
            .min(Duration::from_secs(300))
    }

    /// Something that starts the next round early when notified (the mail queued on this
    /// node), besides the period.
    fn wake(&self, _app: &App) -> Option<Arc<Notify>> {
        None
    }

    /// Whether a round that runs long is reported as running (not for a job whose round
    /// is mostly waiting, as the change-feed follower's).
    fn reports_running(&self) -> bool {
        true
    }

    /// One round of work.
    fn run<'a>(&'a self, app: &'a App) -> BoxFuture<'a, Result<Next, AppError>>;

    /// The work to do once when the runner stops, after the last round.
    fn last_round<'a>(&'a self, _app: &'a App) -> BoxFuture<'a, Result<(), AppError>> {
        Box::pin(async { Ok(()) })
    }
}

/// Runs jobs, each in its own task, until stopped.
pub struct Runner {
    tasks: JoinSet<()>,
    cancel: CancellationToken,
    app: App,
    jobs: Vec<Arc<dyn Job>>,
}

impl Runner {
    /// Starts every job in `jobs`; each runs its first round at once.
    pub fn start(app: &App, jobs: Vec<Box<dyn Job>>) -> Runner {
        let mut tasks = JoinSet::new();
        let cancel = CancellationToken::new();
        let jobs: Vec<Arc<dyn Job>> = jobs.into_iter().map(Arc::from).collect();
        for job in &jobs {
            tasks.spawn(run_job(app.clone(), Arc::clone(job), cancel.clone()));
        }
        Runner {
            tasks,
            cancel,
            app: app.clone(),
            jobs,
        }
    }

    /// The names of the jobs it runs.
    pub fn names(&self) -> Vec<&'static str> {
        self.jobs.iter().map(|j| j.name()).collect()
    }

    /// Stops starting rounds, waits up to `grace` for the rounds in progress to finish, then
    /// runs each job's last round. Returns false when a round was still running at the end
    /// of the grace period; it is then cancelled where it stood.
    pub async fn stop(mut self, grace: Duration) -> bool {
        self.cancel.cancel();
        let tasks = &mut self.tasks;
        let finished = tokio::time::timeout(grace, async {
            while let Some(done) = tasks.join_next().await {
                if let Err(e) = done {
                    tracing::error!(error = %e, "a background job ended abnormally");
                }
            }
        })
        .await
        .is_ok();
        if !finished {
            tracing::warn!(?grace, "a background job was still running when stopping");
            self.tasks.shutdown().await;
        }
        for job in &self.jobs {
            if let Err(e) = job.last_round(&self.app).await {
                tracing::warn!(error = %e, "{} (last round) failed", job.name());
            }
        }
        finished
    }
}

/// A round running longer than this is reported as running.
const LONG_ROUND: Duration = Duration::from_secs(2);

/// An unchanged job is reported again after this long, so the queue page can tell a node
/// that is gone from one whose jobs are quiet.
const REPORT_EVERY: Duration = Duration::from_secs(60);

/// One job's loop: a round, then a wait (none after [`Next::More`], the period when idle,
/// the backoff after a failure) that the runner's stop, the job's wake-up or a request to
/// run it now ends early. What the round did is reported to the store when it changes,
/// when a round runs long, and otherwise every [`REPORT_EVERY`].
async fn run_job(app: App, job: Arc<dyn Job>, cancel: CancellationToken) {
    let wake = job.wake(&app);
    let asked = app.job_wake(job.key());
    let mut report = JobReport {
        running: false,
        last_ok_at: None,
        last_failed_at: None,
        last_error: None,
        failures: 0,
        next_at: None,
    };
    // When the last report was written, and what it said of failures.
    let mut reported: Option<(std::time::Instant, bool, Option<String>)> = None;
    while !cancel.is_cancelled() {
        let mut round = job.run(&app);
        let outcome = if job.reports_running() {
            tokio::select! {
                biased;
                done = &mut round => done,
                () = tokio::time::sleep(LONG_ROUND) => {
                    report.running = true;
                    // Written while the round goes on: the round may hold what the write
                    // waits for (SQLite's write lock, the last pooled connection).
                    let (done, written) = tokio::join!(round, app.report_job(job.key(), &report));
                    if written {
                        reported = Some((std::time::Instant::now(), report.failures > 0, report.last_error.clone()));
                    }
                    done
                }
            }
        } else {
            round.await
        };
        let was_running = std::mem::take(&mut report.running);
        let now = app.now();
        let pause = match outcome {
            Ok(next) => {
                report.failures = 0;
                report.last_ok_at = Some(now);
                match next {
                    Next::More => Duration::ZERO,
                    Next::Idle => job.every(),
                }
            }
            Err(e) => {
                report.failures = report.failures.saturating_add(1);
                report.last_failed_at = Some(now);
                report.last_error = Some(e.to_string());
                let pause = job.backoff(report.failures);
                tracing::warn!(error = %e, failures = report.failures, retry_in = ?pause, "{} failed; will retry", job.name());
                pause
            }
        };
        report.next_at = jiff::SignedDuration::try_from(pause)
            .ok()
            .and_then(|d| now.checked_add(d).ok());
        // Written when the job starts or stops failing, when the reason changes, after a
        // reported long round, and otherwise every REPORT_EVERY (a failed write is tried
        // again after the next round).
        let failing = report.failures > 0;
        let due = match &reported {
            None => true,
            Some((at, was_failing, error)) => {
                was_running
                    || *was_failing != failing
                    || (failing && *error != report.last_error)
                    || at.elapsed() >= REPORT_EVERY
            }
        };
        if due {
            reported = app.report_job(job.key(), &report).await.then(|| {
                (
                    std::time::Instant::now(),
                    failing,
                    report.last_error.clone(),
                )
            });
        }
        if pause.is_zero() {
            // Let the runtime serve others between back-to-back rounds.
            tokio::task::yield_now().await;
            continue;
        }
        let woken = async {
            match &wake {
                Some(n) => n.notified().await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            () = cancel.cancelled() => break,
            () = tokio::time::sleep(pause) => {}
            () = woken => {}
            () = asked.notified() => {}
        }
    }
}

/// The keys of the jobs a node may run, in the order the queue page lists them.
pub const JOB_KEYS: &[&str] = &[
    "publish-due",
    "webhooks",
    "mail",
    "digests",
    "wire-feeds",
    "speak",
    "purge-sessions",
    "purge-cdn",
    "follow-changes",
    "flush-reads",
];

/// The key of a job a node may run, as `JOB_KEYS` holds it; `None` for any other text.
pub fn known_job(key: &str) -> Option<&'static str> {
    JOB_KEYS.iter().copied().find(|k| *k == key)
}

/// This process's name in the jobs' reports: the machine's host name and the process id.
pub(crate) fn node_name() -> String {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .map(|h| h.trim().to_owned())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "node".to_owned());
    format!("{host}:{}", std::process::id())
}

impl App {
    /// This node's name in the jobs' reports.
    pub fn node_name(&self) -> &str {
        &self.inner.node
    }

    /// What starts a round of job `key` on this node at once (made on first use).
    fn job_wake(&self, key: &'static str) -> Arc<Notify> {
        let mut wakes = self
            .inner
            .job_wakes
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        Arc::clone(wakes.entry(key).or_default())
    }

    /// Writes what this node's job `key` did; false when the write failed (logged; the job
    /// goes on, and its runner writes the report again after its next round).
    async fn report_job(&self, key: &str, report: &JobReport) -> bool {
        let now = self.now();
        match self
            .store()
            .report_job(&self.inner.node, key, report, now)
            .await
        {
            Ok(()) => true,
            Err(e) => {
                tracing::warn!(error = %e, job = key, "reporting a job's state failed");
                false
            }
        }
    }

    /// Every node's jobs as last reported, for owners and admins.
    pub async fn job_statuses_as(&self, actor: &User) -> Result<Vec<JobStatus>, AppError> {
        if !actor.role.can_manage_users() {
            return Err(crate::newsroom::forbidden(actor, "see the background jobs"));
        }
        Ok(self.store().job_statuses().await?)
    }

    /// The work waiting in the job queue, by kind, and the failing jobs that failed most
    /// often (at most `limit`), for owners and admins.
    pub async fn job_queue_as(
        &self,
        actor: &User,
        limit: i64,
    ) -> Result<(Vec<QueueCount>, Vec<FailedJob>), AppError> {
        if !actor.role.can_manage_users() {
            return Err(crate::newsroom::forbidden(actor, "see the background jobs"));
        }
        let store = self.store();
        Ok((
            store.queue_counts(self.now()).await?,
            store.failed_jobs(limit).await?,
        ))
    }

    /// Makes every failing job of `kind` in the queue due now and asks the nodes that run
    /// it for a round, for owners and admins.
    pub async fn retry_failed_jobs_as(&self, actor: &User, kind: &str) -> Result<u64, AppError> {
        if !actor.role.can_manage_users() {
            return Err(crate::newsroom::forbidden(actor, "run a background job"));
        }
        let Some(kind) = known_job(kind) else {
            return Err(AppError::NotFound);
        };
        let due = self.store().retry_failed_jobs(kind, self.now()).await?;
        self.ask_for_round(kind).await?;
        Ok(due)
    }

    /// Asks every node running job `key` to start a round now (through the change feed),
    /// for owners and admins.
    pub async fn run_job_now_as(&self, actor: &User, key: &str) -> Result<(), AppError> {
        if !actor.role.can_manage_users() {
            return Err(crate::newsroom::forbidden(actor, "run a background job"));
        }
        let Some(key) = known_job(key) else {
            return Err(AppError::NotFound);
        };
        self.ask_for_round(key).await
    }

    /// Asks every node running job `key` to start a round now: this node at once, the
    /// others when their follower reads the request in the change feed.
    async fn ask_for_round(&self, key: &'static str) -> Result<(), AppError> {
        let event = self.store().request_job_round(key, self.now()).await?;
        // Noted as seen, so this node's follower skips the request.
        self.inner
            .jobs_seen
            .fetch_max(event, std::sync::atomic::Ordering::SeqCst);
        self.job_wake(key).notify_one();
        Ok(())
    }

    /// Starts a round of each job another node asked for since the last call.
    pub(crate) async fn follow_job_requests(&self) -> Result<(), AppError> {
        let seen = self
            .inner
            .jobs_seen
            .load(std::sync::atomic::Ordering::SeqCst);
        let (asked, last) = self.store().job_rounds_after(seen).await?;
        for key in asked.iter().filter_map(|k| known_job(k)) {
            self.job_wake(key).notify_one();
        }
        self.inner
            .jobs_seen
            .fetch_max(last, std::sync::atomic::Ordering::SeqCst);
        Ok(())
    }
}

/// The jobs a process runs: with `worker`, the background work of the site; on every node,
/// following the change feed and writing the readings it counted.
pub fn standard(app: &App, worker: bool) -> Vec<Box<dyn Job>> {
    let mut jobs: Vec<Box<dyn Job>> = Vec::new();
    if worker {
        let speaking = match app.audio_status() {
            AudioStatus::On(engine) => {
                tracing::info!(%engine, "articles are spoken");
                true
            }
            AudioStatus::Off(reason) => {
                tracing::warn!(%reason, "articles are not spoken");
                false
            }
        };
        jobs.extend(
            PERIODIC
                .iter()
                .filter(|p| speaking || p.key != "speak")
                .map(|p| Box::new(*p) as Box<dyn Job>),
        );
        jobs.push(Box::new(Mail));
    }
    jobs.push(Box::new(FollowChanges::default()));
    jobs.push(Box::new(FlushReads));
    jobs
}

/// A round of a [`Periodic`] job.
type Round = for<'a> fn(&'a App) -> BoxFuture<'a, Result<Next, AppError>>;

/// A job that is one call to the app every period, with the default backoff.
#[derive(Clone, Copy)]
struct Periodic {
    key: &'static str,
    name: &'static str,
    every: Duration,
    round: Round,
}

impl Job for Periodic {
    fn key(&self) -> &'static str {
        self.key
    }
    fn name(&self) -> &'static str {
        self.name
    }
    fn every(&self) -> Duration {
        self.every
    }
    fn run<'a>(&'a self, app: &'a App) -> BoxFuture<'a, Result<Next, AppError>> {
        (self.round)(app)
    }
}

/// The site's periodic work, run by a node with the worker (`speak` only when the speech
/// engine is there).
const PERIODIC: &[Periodic] = &[
    Periodic {
        key: "publish-due",
        name: "publishing scheduled articles",
        every: Duration::from_secs(5),
        round: publish_due,
    },
    Periodic {
        key: "webhooks",
        name: "sending webhooks",
        every: Duration::from_secs(5),
        round: webhooks,
    },
    Periodic {
        key: "digests",
        name: "making the daily digests",
        every: Duration::from_secs(60),
        round: digests,
    },
    Periodic {
        key: "purge-sessions",
        name: "purging expired sessions",
        every: Duration::from_secs(3600),
        round: purge_sessions,
    },
    Periodic {
        key: "purge-cdn",
        name: "telling the CDN what changed",
        every: Duration::from_secs(5),
        round: purge_cdn,
    },
    Periodic {
        key: "wire-feeds",
        name: "polling wire feeds",
        every: Duration::from_secs(30),
        round: wire_feeds,
    },
    Periodic {
        key: "speak",
        name: "speaking articles",
        every: Duration::from_secs(10),
        round: speak,
    },
];

/// Scheduled articles go live on time, whether or not anyone visits.
fn publish_due(app: &App) -> BoxFuture<'_, Result<Next, AppError>> {
    Box::pin(async move {
        app.run_due().await?;
        Ok(Next::Idle)
    })
}

/// Webhook deliveries that are due (queued in the transaction of the change they report).
fn webhooks(app: &App) -> BoxFuture<'_, Result<Next, AppError>> {
    Box::pin(async move {
        app.deliver_webhooks().await?;
        Ok(Next::Idle)
    })
}

/// The daily digests, once their hour has come (each made once, by whichever node first).
fn digests(app: &App) -> BoxFuture<'_, Result<Next, AppError>> {
    Box::pin(async move {
        app.make_digests().await?;
        Ok(Next::Idle)
    })
}

/// The CDN's purges not yet sent (see `purge.rs`): after a failed hook, a process killed
/// before its purge, or another node's change.
fn purge_cdn(app: &App) -> BoxFuture<'_, Result<Next, AppError>> {
    Box::pin(app.purge_changes())
}

/// Expired sessions, old failed sign-ins and the job reports of nodes gone for a day.
fn purge_sessions(app: &App) -> BoxFuture<'_, Result<Next, AppError>> {
    Box::pin(async move {
        app.purge_sessions().await?;
        Ok(Next::Idle)
    })
}

/// The wire feeds that are due, until none is.
fn wire_feeds(app: &App) -> BoxFuture<'_, Result<Next, AppError>> {
    Box::pin(async move {
        let polled = app.poll_wire_feeds().await?;
        for p in polled.iter().filter(|p| p.new_items > 0) {
            tracing::info!(feed = p.feed_id, stories = p.new_items, "wire stories in");
        }
        Ok(if polled.is_empty() {
            Next::Idle
        } else {
            Next::More
        })
    })
}

/// Published articles whose text changed, spoken four at a time at the lowest CPU priority
/// (the engine runs under `nice`), until none is left.
fn speak(app: &App) -> BoxFuture<'_, Result<Next, AppError>> {
    Box::pin(async move {
        let spoken = app.speak_due(4).await?;
        Ok(if spoken.is_empty() {
            Next::Idle
        } else {
            Next::More
        })
    })
}

/// The mail outbox: at once when this node queues mail, and every second for mail other
/// nodes queued or retries that came due.
struct Mail;

impl Job for Mail {
    fn key(&self) -> &'static str {
        "mail"
    }
    fn name(&self) -> &'static str {
        "delivering mail"
    }
    fn every(&self) -> Duration {
        Duration::from_secs(1)
    }
    fn backoff(&self, _failures: u32) -> Duration {
        Duration::from_secs(5)
    }
    fn wake(&self, app: &App) -> Option<Arc<Notify>> {
        Some(app.mail_wakeup())
    }
    fn run<'a>(&'a self, app: &'a App) -> BoxFuture<'a, Result<Next, AppError>> {
        Box::pin(async move {
            let sent = app.deliver_mail().await?;
            if sent == 0 {
                return Ok(Next::Idle);
            }
            tracing::info!(sent, "newsletter mail delivered");
            Ok(Next::More)
        })
    }
}

/// How often a node reads the change feed when nothing announces a change (a missed
/// announcement, or a listener that could not connect).
const FOLLOW_TICK: Duration = Duration::from_millis(250);
/// How long a node with a listener waits for an announcement before reading the feed anyway.
const FOLLOW_FALLBACK: Duration = Duration::from_secs(2);

/// Follows the change feed so this node's page cache and search index reflect changes made
/// by other processes: other nodes on PostgreSQL, and on either engine the commands run
/// beside the server (`audio build`, `import`, `user`…). Woken by LISTEN/NOTIFY on
/// PostgreSQL as each change commits, and reading the feed by id every two seconds anyway
/// (on SQLite every quarter second), so a missed notification delays a change but never
/// loses it. A change this process made itself is applied a second time, which costs one
/// re-index of the article and leaves the same pages.
#[derive(Default)]
struct FollowChanges {
    listener: tokio::sync::Mutex<Option<arabpress_store::ChangeListener>>,
}

impl Job for FollowChanges {
    fn key(&self) -> &'static str {
        "follow-changes"
    }
    fn reports_running(&self) -> bool {
        false
    }
    fn name(&self) -> &'static str {
        "following the change feed"
    }
    fn every(&self) -> Duration {
        Duration::ZERO
    }
    fn backoff(&self, _failures: u32) -> Duration {
        Duration::from_secs(1)
    }
    fn run<'a>(&'a self, app: &'a App) -> BoxFuture<'a, Result<Next, AppError>> {
        Box::pin(async move {
            let mut listener = self.listener.lock().await;
            if listener.is_none() {
                *listener = app.listen_changes().await.unwrap_or_else(|e| {
                    tracing::warn!(error = %e, "listening for changes failed; polling");
                    None
                });
            }
            match listener.as_mut() {
                Some(l) => {
                    l.wait(FOLLOW_FALLBACK).await;
                }
                None => tokio::time::sleep(FOLLOW_TICK).await,
            }
            drop(listener);
            app.follow_changes().await?;
            Ok(Next::More)
        })
    }
}

/// Every node counts the readings of the pages it serves and adds them to the store's every
/// minute, and once more when it stops; a failed write keeps them for the next.
struct FlushReads;

impl Job for FlushReads {
    fn key(&self) -> &'static str {
        "flush-reads"
    }
    fn name(&self) -> &'static str {
        "writing counted readings"
    }
    fn every(&self) -> Duration {
        Duration::from_secs(60)
    }
    fn run<'a>(&'a self, app: &'a App) -> BoxFuture<'a, Result<Next, AppError>> {
        Box::pin(async move {
            app.flush_reads().await?;
            Ok(Next::Idle)
        })
    }
    fn last_round<'a>(&'a self, app: &'a App) -> BoxFuture<'a, Result<(), AppError>> {
        Box::pin(async move { app.flush_reads().await.map(drop) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Fixed(Duration);

    impl Job for Fixed {
        fn key(&self) -> &'static str {
            "fixed"
        }
        fn name(&self) -> &'static str {
            "fixed"
        }
        fn every(&self) -> Duration {
            self.0
        }
        fn run<'a>(&'a self, _app: &'a App) -> BoxFuture<'a, Result<Next, AppError>> {
            Box::pin(async { Ok(Next::Idle) })
        }
    }

    #[test]
    fn backoff_doubles_from_the_period_and_stops_at_five_minutes() {
        let j = Fixed(Duration::from_secs(5));
        assert_eq!(j.backoff(1), Duration::from_secs(10));
        assert_eq!(j.backoff(2), Duration::from_secs(20));
        assert_eq!(j.backoff(6), Duration::from_secs(300));
        assert_eq!(j.backoff(u32::MAX), Duration::from_secs(300));
        let quick = Fixed(Duration::ZERO);
        assert_eq!(
            quick.backoff(1),
            Duration::from_secs(2),
            "at least a second"
        );
    }
}
