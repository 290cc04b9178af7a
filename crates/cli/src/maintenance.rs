//! `arabpress migrate` and `arabpress reindex`: bringing the database schema and the search
//! index up to date. [`reindex`] is also what `demo --archive` and the WordPress and Ghost
//! imports run after writing many articles.

use crate::config::Settings;
use crate::progress;
use crate::wiring::{IndexUse, with_app};
use anyhow::{Context, Result};
use arabpress_app::App;

/// `arabpress migrate`: opening the store applies the migrations.
pub async fn migrate(s: &Settings) -> Result<()> {
    // Migrating touches only the database, so it works beside a running server.
    with_app(s, IndexUse::None, async |app: &App| {
        println!("database is up to date ({:?})", app.database());
        Ok(())
    })
    .await
}

/// `arabpress reindex`.
pub async fn reindex_command(s: &Settings) -> Result<()> {
    with_app(s, IndexUse::Open, reindex).await
}

/// Rebuilds the index with a progress bar on the terminal.
pub async fn reindex(app: &App) -> Result<()> {
    let bar = progress::bar(0, "{msg} [{bar:40}] {pos}/{len} ({per_sec}, {eta} left)");
    bar.set_message("indexing, then relating");
    let started = std::time::Instant::now();
    let n = app
        .rebuild_index(&|done, total| {
            bar.set_length(total);
            bar.set_position(done);
        })
        .await
        .context("rebuilding the search index")?;
    bar.finish_and_clear();
    println!(
        "indexed {n} articles and stored their related stories in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
