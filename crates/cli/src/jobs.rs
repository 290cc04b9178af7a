//! The background jobs a server (`serve`, unless `--no-worker`) or a `worker` process runs
//! until it stops: scheduled publishing, webhooks, daily digests and session purging
//! ([`run_jobs`]), wire feed polling ([`poll_wire`]), speaking articles ([`speak`]),
//! delivering the mail outbox ([`spawn_mailer`]); and, on every node, following the change
//! feed ([`spawn_follower`]) and writing the readings it counted ([`spawn_read_flusher`]). Each loop logs a failure and tries again at its next tick, so
//! a passing fault (a database restart, a feed that does not answer) never stops a node.

use anyhow::Result;
use arabpress_app::{App, AppError};
use std::time::Duration;
use tokio::task::JoinHandle;

/// The tasks a node runs beside serving, stopped together.
pub struct Background(Vec<JoinHandle<()>>);

impl Background {
    /// Starts the background jobs and the mailer (with `jobs`), then the change-feed
    /// follower, which every node runs.
    pub async fn start(app: &App, jobs: bool) -> Result<Background> {
        let mut tasks = Vec::new();
        if jobs {
            tasks.push(spawn_worker(app.clone()));
            tasks.push(spawn_mailer(app.clone()));
        }
        tasks.extend(spawn_follower(app).await?);
        tasks.push(spawn_read_flusher(app.clone()));
        Ok(Background(tasks))
    }

    /// Stops them all, then writes the readings counted since the last flush.
    pub async fn stop(self, app: &App) {
        for task in self.0 {
            task.abort();
        }
        if let Err(e) = app.flush_reads().await {
            tracing::warn!(error = %e, "writing the last counted readings failed");
        }
    }
}

/// How often the worker looks for due jobs.
const WORKER_TICK: Duration = Duration::from_secs(5);

/// How often the worker looks for wire feeds that are due.
const WIRE_TICK: Duration = Duration::from_secs(30);

/// Runs background jobs until the process stops: scheduled articles go live on time
/// whether or not anyone visits, and wire feeds are polled (beside, so a slow feed never
/// holds up publishing).
fn spawn_worker(app: App) -> JoinHandle<()> {
    tokio::spawn(async move {
        tokio::join!(run_jobs(app.clone()), poll_wire(app.clone()), speak(app));
    })
}

/// How often the worker looks for articles to speak.
const AUDIO_TICK: Duration = Duration::from_secs(10);

/// An interval of `period` that skips the ticks a slow round missed instead of bunching them.
fn ticker(period: Duration) -> tokio::time::Interval {
    let mut tick = tokio::time::interval(period);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    tick
}

/// Every `period`, runs `round` again and again until a round finds nothing to do (an
/// empty list) or fails; a failure is logged as "`what` failed; will retry" and the next
/// tick tries again.
async fn drain_every<T, F>(period: Duration, what: &str, mut round: impl FnMut() -> F)
where
    F: Future<Output = Result<Vec<T>, AppError>>,
{
    let mut tick = ticker(period);
    loop {
        tick.tick().await;
        loop {
            match round().await {
                Ok(done) if done.is_empty() => break,
                Ok(_) => {}
                done @ Err(_) => {
                    log_failure(what, done);
                    break;
                }
            }
        }
    }
}

/// Speaks published articles whose text changed, a few at a time, at the lowest CPU
/// priority (the engine runs under `nice`); does nothing when the engine is missing.
async fn speak(app: App) {
    match app.audio_status() {
        arabpress_app::AudioStatus::On(engine) => tracing::info!(%engine, "articles are spoken"),
        arabpress_app::AudioStatus::Off(reason) => {
            tracing::warn!(%reason, "articles are not spoken");
            return;
        }
    }
    drain_every(AUDIO_TICK, "speaking articles", || {
        let app = app.clone();
        async move { app.speak_due(4).await }
    })
    .await;
}

/// Polls the wire feeds that are due, every half minute.
async fn poll_wire(app: App) {
    drain_every(WIRE_TICK, "polling wire feeds", || {
        let app = app.clone();
        async move {
            let polled = app.poll_wire_feeds().await?;
            for p in polled.iter().filter(|p| p.new_items > 0) {
                tracing::info!(feed = p.feed_id, stories = p.new_items, "wire stories in");
            }
            Ok(polled)
        }
    })
    .await;
}

/// The scheduled jobs, every few seconds.
async fn run_jobs(app: App) {
    let mut tick = ticker(WORKER_TICK);
    let mut ticks: u64 = 0;
    loop {
        tick.tick().await;
        log_failure("publishing scheduled articles", app.run_due().await);
        // Webhooks after publishing, so a scheduled article's delivery leaves this round.
        log_failure("sending webhooks", app.deliver_webhooks().await);
        // About every minute: the daily digests, once their hour has come.
        if ticks.is_multiple_of(12) {
            log_failure("making the daily digests", app.make_digests().await);
        }
        // About hourly: forget expired sessions and old failed sign-ins.
        if ticks.is_multiple_of(720) {
            log_failure("purging expired sessions", app.purge_sessions().await);
        }
        ticks += 1;
    }
}

/// Logs a job that failed as "`what` failed; will retry" (its loop tries again later).
fn log_failure<T>(what: &str, done: Result<T, AppError>) {
    if let Err(e) = done {
        tracing::warn!(error = %e, "{what} failed; will retry");
    }
}

/// Delivers the outbox until the process stops: at once when this node queues mail, and
/// every second for mail other nodes queued or retries that came due.
fn spawn_mailer(app: App) -> JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            match app.deliver_mail().await {
                Ok(n) if n > 0 => tracing::info!(sent = n, "newsletter mail delivered"),
                Ok(_) => app.mail_waiting(Duration::from_secs(1)).await,
                Err(e) => {
                    tracing::warn!(error = %e, "delivering mail failed; will retry");
                    tokio::time::sleep(Duration::from_secs(5)).await;
                }
            }
        }
    })
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
/// (on SQLite only that), so a missed notification delays a change but never loses it. A
/// change this process made itself is applied a second time, which costs one re-index of
/// the article and leaves the same pages.
/// How often a node adds the readings it counted to the store's.
const READS_TICK: Duration = Duration::from_secs(60);

/// Every node counts the readings of the pages it serves and adds them to the store's
/// every [`READS_TICK`]; a failed write keeps them for the next.
fn spawn_read_flusher(app: App) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = ticker(READS_TICK);
        tick.tick().await;
        loop {
            tick.tick().await;
            if let Err(e) = app.flush_reads().await {
                tracing::warn!(error = %e, "writing counted readings failed; will retry");
            }
        }
    })
}

async fn spawn_follower(app: &App) -> Result<Option<JoinHandle<()>>> {
    app.start_following().await?;
    let app = app.clone();
    Ok(Some(tokio::spawn(async move {
        let mut listener = None;
        loop {
            if listener.is_none() {
                listener = match app.listen_changes().await {
                    Ok(l) => l,
                    Err(e) => {
                        tracing::warn!(error = %e, "listening for changes failed; polling");
                        None
                    }
                };
            }
            match listener.as_mut() {
                Some(l) => {
                    l.wait(FOLLOW_FALLBACK).await;
                }
                None => tokio::time::sleep(FOLLOW_TICK).await,
            }
            if let Err(e) = app.follow_changes().await {
                tracing::warn!(error = %e, "following the change feed failed; will retry");
            }
        }
    })))
}
