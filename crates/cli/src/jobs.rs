//! What a node runs beside serving: the jobs of `arabpress_app::jobs` (`standard`), on
//! the app's one runner, started after the change feed's starting point is read and
//! stopped gracefully (rounds in progress finish, then the last counted readings are
//! written).

use anyhow::Result;
use arabpress_app::App;
use arabpress_app::jobs::{Runner, standard};
use std::time::Duration;

/// How long stopping waits for the rounds in progress (a mail being sent, a webhook, an
/// article being spoken) before dropping them.
const STOP_GRACE: Duration = Duration::from_secs(5);

/// The jobs a node runs beside serving, stopped together.
pub struct Background(Runner);

impl Background {
    /// Starts the change-feed follower and the reads flusher, which every node runs, and
    /// with `worker` the site's background work (publishing, webhooks, digests, sessions,
    /// wire feeds, speech, mail).
    pub async fn start(app: &App, worker: bool) -> Result<Background> {
        app.start_following().await?;
        let runner = Runner::start(app, standard(app, worker));
        tracing::info!(jobs = ?runner.names(), "background jobs started");
        Ok(Background(runner))
    }

    /// Stops them: rounds in progress finish within [`STOP_GRACE`], then the readings
    /// counted since the last flush are written.
    pub async fn stop(self) {
        self.0.stop(STOP_GRACE).await;
    }
}
