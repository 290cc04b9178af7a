//! The job runner: a round that reports more work runs again at once, an idle job waits
//! for its period, a failing one is retried after its backoff, a wake-up starts a round
//! early, and stopping lets the round in progress finish and then runs the last round.

// clippy.toml allows these in #[test] functions; this covers the helpers too.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use arabpress_app::jobs::{Job, Next, Runner};
use arabpress_app::{App, AppError, FixedClock};
use arabpress_core::Role;
use arabpress_store::Store;
use arabpress_testkit as testkit;
use futures_util::future::BoxFuture;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::Notify;

async fn app() -> (App, testkit::TestStore) {
    let t = testkit::TestStore::sqlite().await.unwrap();
    let app = testkit::app_in_memory(
        &t.store,
        jiff::tz::TimeZone::UTC,
        Arc::new(FixedClock::new(testkit::now())),
    );
    (app, t)
}

/// What the test jobs did, in order.
type Log = Arc<Mutex<Vec<String>>>;

/// Three rounds with more work, then idle for an hour (only a wake-up brings it back).
struct Batches {
    left: AtomicUsize,
    log: Log,
    wake: Arc<Notify>,
}

impl Job for Batches {
    fn key(&self) -> &'static str {
        "batches"
    }
    fn name(&self) -> &'static str {
        "batches"
    }
    fn every(&self) -> Duration {
        Duration::from_secs(3600)
    }
    fn wake(&self, _app: &App) -> Option<Arc<Notify>> {
        Some(Arc::clone(&self.wake))
    }
    fn run<'a>(&'a self, _app: &'a App) -> BoxFuture<'a, Result<Next, AppError>> {
        Box::pin(async move {
            self.log.lock().unwrap().push("batch".into());
            let before = self
                .left
                .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1));
            Ok(if before.is_ok_and(|n| n > 1) {
                Next::More
            } else {
                Next::Idle
            })
        })
    }
}

/// Counts its rounds; its first `failing` rounds fail ("the feed answered 503"), each
/// retried after `backoff`.
struct Counted {
    key: &'static str,
    rounds: Arc<AtomicUsize>,
    failing: usize,
    backoff: Duration,
}

impl Job for Counted {
    fn key(&self) -> &'static str {
        self.key
    }
    fn name(&self) -> &'static str {
        "counted"
    }
    fn every(&self) -> Duration {
        Duration::from_secs(3600)
    }
    fn backoff(&self, _failures: u32) -> Duration {
        self.backoff
    }
    fn run<'a>(&'a self, _app: &'a App) -> BoxFuture<'a, Result<Next, AppError>> {
        Box::pin(async move {
            if self.rounds.fetch_add(1, Ordering::SeqCst) < self.failing {
                Err(AppError::internal("polling", "the feed answered 503"))
            } else {
                Ok(Next::Idle)
            }
        })
    }
}

/// A slow round (300 ms), with a last round when stopping.
struct Slow {
    log: Log,
}

impl Job for Slow {
    fn key(&self) -> &'static str {
        "slow"
    }
    fn name(&self) -> &'static str {
        "slow"
    }
    fn every(&self) -> Duration {
        Duration::from_secs(3600)
    }
    fn run<'a>(&'a self, _app: &'a App) -> BoxFuture<'a, Result<Next, AppError>> {
        Box::pin(async move {
            self.log.lock().unwrap().push("slow started".into());
            tokio::time::sleep(Duration::from_millis(300)).await;
            self.log.lock().unwrap().push("slow finished".into());
            Ok(Next::Idle)
        })
    }
    fn last_round<'a>(&'a self, _app: &'a App) -> BoxFuture<'a, Result<(), AppError>> {
        Box::pin(async move {
            self.log.lock().unwrap().push("last round".into());
            Ok(())
        })
    }
}

async fn until(what: &str, mut done: impl FnMut() -> bool) {
    for _ in 0..500 {
        if done() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("{what} did not happen within 5 s");
}

#[tokio::test]
async fn more_work_runs_at_once_and_a_wake_up_brings_an_idle_job_back() {
    let (app, _t) = app().await;
    let log: Log = Arc::default();
    let wake = Arc::new(Notify::new());
    let runner = Runner::start(
        &app,
        vec![Box::new(Batches {
            left: AtomicUsize::new(3),
            log: Arc::clone(&log),
            wake: Arc::clone(&wake),
        })],
    );
    assert_eq!(runner.names(), ["batches"]);
    until("three rounds", || log.lock().unwrap().len() == 3).await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(log.lock().unwrap().len(), 3, "idle: waits for its hour");
    wake.notify_one();
    until("a round after the wake-up", || {
        log.lock().unwrap().len() == 4
    })
    .await;
    assert!(runner.stop(Duration::from_secs(1)).await);
}

#[tokio::test]
async fn a_failing_round_is_retried_after_its_backoff() {
    let (app, _t) = app().await;
    let flaky = Arc::new(AtomicUsize::new(0));
    let runner = Runner::start(
        &app,
        vec![Box::new(Counted {
            key: "flaky",
            rounds: Arc::clone(&flaky),
            failing: 2,
            backoff: Duration::from_millis(20),
        })],
    );
    until("two failures and a success", || {
        flaky.load(Ordering::SeqCst) == 3
    })
    .await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(flaky.load(Ordering::SeqCst), 3, "after success: idle");
    assert!(runner.stop(Duration::from_secs(1)).await);
}

/// A runner of one [`Slow`] job, once its first round has started.
async fn slow_round_started(app: &App) -> (Runner, Log) {
    let log: Log = Arc::default();
    let runner = Runner::start(
        app,
        vec![Box::new(Slow {
            log: Arc::clone(&log),
        })],
    );
    until("the slow round to start", || {
        !log.lock().unwrap().is_empty()
    })
    .await;
    (runner, log)
}

#[tokio::test]
async fn stopping_lets_the_round_in_progress_finish_then_runs_the_last_round() {
    let (app, _t) = app().await;
    let (runner, log) = slow_round_started(&app).await;
    assert!(runner.stop(Duration::from_secs(5)).await);
    assert_eq!(
        *log.lock().unwrap(),
        ["slow started", "slow finished", "last round"]
    );
    // A grace period shorter than the round: the round is cancelled where it stood, and
    // the last round still runs.
    let (runner, log) = slow_round_started(&app).await;
    assert!(!runner.stop(Duration::from_millis(50)).await);
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(*log.lock().unwrap(), ["slow started", "last round"]);
}

/// Each node reports its jobs to the store (a failure with its reason), and a round asked
/// for on one node starts on another through the change feed; only owners and admins may
/// see the jobs or ask.
async fn jobs_are_reported_and_a_round_asked_on_one_node_runs_on_another(store: Store) {
    let clock = Arc::new(FixedClock::new(testkit::now()));
    let a = testkit::app_in_memory(&store, jiff::tz::TimeZone::UTC, Arc::clone(&clock));
    let b = testkit::app_in_memory(&store, jiff::tz::TimeZone::UTC, clock);
    a.start_following().await.unwrap();
    let digests = Arc::new(AtomicUsize::new(0));
    let wire = Arc::new(AtomicUsize::new(0));
    let runner = Runner::start(
        &a,
        vec![
            Box::new(Counted {
                key: "digests",
                rounds: Arc::clone(&digests),
                failing: 0,
                backoff: Duration::from_secs(3600),
            }),
            Box::new(Counted {
                key: "wire-feeds",
                rounds: Arc::clone(&wire),
                failing: usize::MAX,
                backoff: Duration::from_secs(3600),
            }),
        ],
    );
    until("a round of each", || {
        digests.load(Ordering::SeqCst) == 1 && wire.load(Ordering::SeqCst) == 1
    })
    .await;
    let admin = b
        .create_user(
            "admin@x.example",
            "Admin",
            Role::Admin,
            "a long enough password",
        )
        .await
        .unwrap();
    let editor = b
        .create_user(
            "editor@x.example",
            "Ed",
            Role::Editor,
            "a long enough password",
        )
        .await
        .unwrap();
    let mut seen = Vec::new();
    for _ in 0..500 {
        seen = b.job_statuses_as(&admin).await.unwrap();
        if seen.len() == 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(seen.len(), 2, "{seen:?}");
    assert!(seen.iter().all(|j| j.node == a.node_name()), "{seen:?}");
    let failing = seen.iter().find(|j| j.job == "wire-feeds").unwrap();
    assert_eq!(failing.report.failures, 1);
    assert!(
        failing
            .report
            .last_error
            .as_deref()
            .is_some_and(|e| e.contains("the feed answered 503")),
        "{failing:?}"
    );
    let fine = seen.iter().find(|j| j.job == "digests").unwrap();
    assert_eq!(
        (fine.report.failures, fine.report.last_error.as_deref()),
        (0, None)
    );
    assert!(fine.report.last_ok_at.is_some() && fine.report.next_at.is_some());
    // Asked on node B, run on node A once A's follower reads the feed.
    assert!(matches!(
        b.job_statuses_as(&editor).await,
        Err(AppError::Forbidden(_))
    ));
    assert!(matches!(
        b.run_job_now_as(&editor, "wire-feeds").await,
        Err(AppError::Forbidden(_))
    ));
    assert!(matches!(
        b.run_job_now_as(&admin, "no-such-job").await,
        Err(AppError::NotFound)
    ));
    b.run_job_now_as(&admin, "wire-feeds").await.unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(
        wire.load(Ordering::SeqCst),
        1,
        "not before A follows the feed"
    );
    a.follow_changes().await.unwrap();
    until("the asked round on A", || wire.load(Ordering::SeqCst) == 2).await;
    assert_eq!(digests.load(Ordering::SeqCst), 1, "only the job asked for");
    assert!(runner.stop(Duration::from_secs(1)).await);
}

testkit::both_backends!(
    jobs_are_reported_and_a_round_asked_on_one_node_runs_on_another,
    super::jobs_are_reported_and_a_round_asked_on_one_node_runs_on_another
);
