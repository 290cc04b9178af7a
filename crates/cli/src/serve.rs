//! `arabpress serve`, `demo` and `worker`: the long-running roles. A server answers HTTP
//! through `arabpress_web` and, unless `--no-worker`, runs the background jobs of
//! [`crate::jobs`] in the same process; a worker runs only those. Both stop gracefully on
//! Ctrl-C or SIGTERM.

use crate::DataArgs;
use crate::config::{Overrides, Settings};
use crate::jobs::Background;
use crate::maintenance::reindex;
use crate::wiring::{IndexUse, open};
use anyhow::{Context, Result};
use arabpress_app::App;
use clap::Args;

#[derive(Args, Clone)]
pub struct DemoArgs {
    #[command(flatten)]
    pub serve: ServeArgs,
    /// Also generate this many archive articles (variations of the demo ones), for
    /// load and memory measurements.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub archive: usize,
}

#[derive(Args, Clone)]
pub struct ServeArgs {
    #[command(flatten)]
    pub data: DataArgs,
    /// Address to listen on, e.g. 127.0.0.1:8090.
    #[arg(long, value_name = "ADDR")]
    pub listen: Option<String>,
    /// Render every page on every request (for measuring).
    #[arg(long)]
    pub no_cache: bool,
    /// Serve without running background jobs (scheduled publishing); another process
    /// must run them.
    #[arg(long)]
    pub no_worker: bool,
}

impl ServeArgs {
    pub fn overrides(&self) -> Overrides {
        self.clone().into_overrides()
    }

    fn into_overrides(self) -> Overrides {
        Overrides {
            data_dir: self.data.data,
            listen: self.listen,
            no_cache: self.no_cache,
        }
    }
}

/// `arabpress serve`.
pub async fn serve_command(s: &Settings, a: &ServeArgs) -> Result<()> {
    let app = open(s, IndexUse::Sync).await?;
    serve(app, s, !a.no_worker).await
}

/// `arabpress worker`: the background jobs until Ctrl-C or SIGTERM.
pub async fn worker(s: &Settings) -> Result<()> {
    let app = open(s, IndexUse::Sync).await?;
    tracing::info!(db = ?app.database(), "running background jobs");
    let background = Background::start(&app, true).await?;
    shutdown().await;
    background.stop().await;
    app.close().await;
    Ok(())
}

/// `arabpress demo`: demo content (and `archive` generated articles) into an empty site,
/// then serving it.
pub async fn demo(s: &Settings, a: &ServeArgs, archive: usize) -> Result<()> {
    let app = open(s, IndexUse::Sync).await?;
    if app.count_articles().await? == 0 {
        let report = arabpress_app::demo::load(&app)
            .await
            .context("loading demo content")?;
        println!(
            "loaded demo content into {}: {} articles, {} Arabic/English pairs",
            s.data_dir.display(),
            report.articles,
            report.pairs
        );
        let (_, secret) = app
            .create_api_key("demo")
            .await
            .context("creating the demo API key")?;
        println!("content API key for the demo: {secret}");
        let password = arabpress_app::generated_password()?;
        let owner = app
            .create_user(
                "editor@arabpress.example",
                "Demo Editor",
                arabpress_core::Role::Owner,
                &password,
            )
            .await
            .context("creating the demo account")?;
        let token = app.create_token(owner.id, "demo").await?;
        println!(
            "newsroom (/admin) login for the demo: {} / {password}",
            owner.email
        );
        println!("admin API token for the demo: {token}");
        if archive > 0 {
            let n = arabpress_app::demo::load_archive(&app, archive)
                .await
                .context("generating the archive")?;
            println!("generated {n} archive articles");
            reindex(&app).await?;
        }
    } else {
        println!(
            "{} already has content; serving it as it is",
            s.data_dir.display()
        );
    }
    serve(app, s, !a.no_worker).await
}

async fn serve(app: App, s: &Settings, worker: bool) -> Result<()> {
    let listener = tokio::net::TcpListener::bind(s.listen)
        .await
        .with_context(|| format!("listening on {}", s.listen))?;
    let addr = listener.local_addr()?;
    tracing::info!(%addr, db = ?app.database(), tz = %app.site_settings().time_zone, tz_file = %s.time_zone_name, cache_mb = s.cache_bytes >> 20, "serving");
    println!("arabpress is serving on http://{addr}/  (Ctrl-C to stop)");
    let router = arabpress_web::router_behind(app.clone(), s.trusted_proxies.clone());
    let background = Background::start(&app, worker).await?;
    // The client address feeds the login rate limit.
    axum::serve(
        listener,
        router.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown())
    .await?;
    background.stop().await;
    app.close().await;
    tracing::info!("stopped");
    Ok(())
}

async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { () = ctrl_c => {}, () = term => {} }
}
