//! The `arabpress` binary: parses the command line and hands each command to the module of
//! its family. Logic lives in the library crates; the modules here are glue: [`wiring`]
//! turns configuration into an opened site, [`serve`] runs the long-lived roles with the
//! background jobs of [`jobs`], and [`accounts`], [`newsletter`], [`transfer`], [`audio`]
//! and [`maintenance`] are the operator's one-off commands. Logs go to standard error, so
//! what a command prints on standard output is only its result and can be piped.

mod accounts;
mod audio;
mod config;
mod jobs;
mod maintenance;
mod newsletter;
mod progress;
mod serve;
mod transfer;
mod wiring;

/// mimalloc instead of the system allocator: serving and rendering pages allocates many
/// small buffers from several threads, where glibc's allocator costs about a tenth of the
/// time of a cached response and fragments memory across its per-thread arenas.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use anyhow::{Result, anyhow};
use clap::{Args, Parser, Subcommand};
use config::Overrides;
use serve::{DemoArgs, ServeArgs};
use std::path::PathBuf;
use wiring::settings;

/// arabpress: a bilingual (Arabic/English) news site and newsroom in one binary.
#[derive(Parser)]
#[command(version, about)]
struct Cli {
    /// Configuration file (default: ./arabpress.toml when it exists).
    #[arg(long, global = true, env = "ARABPRESS_CONFIG")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the site.
    Serve(ServeArgs),
    /// Run background jobs (scheduled publishing, webhooks) without serving: for
    /// deployments whose web nodes run `serve --no-worker`.
    Worker(DataArgs),
    /// Create a data folder with demo content (only when empty), then serve it.
    Demo(DemoArgs),
    /// Apply database migrations and exit.
    Migrate(DataArgs),
    /// Rebuild the search index and every article's related stories from the store
    /// (stop the server first: it holds the index).
    Reindex(DataArgs),
    /// Write a consistent copy of a running SQLite site (database and uploaded images) to a
    /// new folder. Restore: stop the server, put `arabpress.sqlite` and `media/` from the
    /// backup into the data folder, delete `index/` (it is rebuilt at start), start again.
    Backup {
        /// The folder to create (it must be new or empty).
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        #[command(flatten)]
        data: DataArgs,
    },
    /// Newsroom accounts.
    User {
        #[command(subcommand)]
        action: accounts::UserAction,
        #[command(flatten)]
        data: DataArgs,
    },
    /// Personal tokens for the admin API (`/api/v1/admin`).
    Token {
        #[command(subcommand)]
        action: accounts::TokenAction,
        #[command(flatten)]
        data: DataArgs,
    },
    /// The newsletter: subscribers, breaking news, delivery.
    Newsletter {
        #[command(subcommand)]
        action: newsletter::NewsletterAction,
        #[command(flatten)]
        data: DataArgs,
    },
    /// Write the whole site (content, users, subscribers, settings, media) to one archive
    /// file, JSON Lines (docs/archive.md); `import arabpress` restores it.
    Export {
        /// The file to write, or `-` for standard output (the report then goes to
        /// standard error).
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        /// Include password hashes and personal tokens (without them, restored accounts
        /// sign in after a password reset).
        #[arg(long)]
        with_secrets: bool,
        #[command(flatten)]
        data: DataArgs,
    },
    /// Import content from another platform, or restore an archive (stop the server first:
    /// the search index is rebuilt afterwards). Importing the same file again changes nothing.
    Import {
        #[command(subcommand)]
        what: transfer::ImportWhat,
        /// After a WordPress or Ghost import, leave the search index and related stories
        /// as they are (run `arabpress reindex` before serving).
        #[arg(long, global = true)]
        no_reindex: bool,
        /// After a WordPress or Ghost import, leave featured images at the old site's
        /// addresses instead of fetching them into the media store.
        #[arg(long, global = true)]
        no_images: bool,
        #[command(flatten)]
        data: DataArgs,
    },
    /// Spoken articles: make them now, with a progress bar (the worker in `serve` makes
    /// them in the background as articles are published and edited).
    Audio {
        #[command(subcommand)]
        action: audio::AudioAction,
        #[command(flatten)]
        data: DataArgs,
    },
    /// Keys for the read-only content API (`/api/v1`).
    Apikey {
        #[command(subcommand)]
        action: accounts::ApikeyAction,
        #[command(flatten)]
        data: DataArgs,
    },
}

#[derive(Args, Clone)]
struct DataArgs {
    /// Data folder (database, search index, media).
    #[arg(long = "data", value_name = "DIR", global = true)]
    data: Option<PathBuf>,
}

impl DataArgs {
    fn overrides(self) -> Overrides {
        Overrides {
            data_dir: self.data,
            ..Overrides::default()
        }
    }
}

/// A `--lang` value: `ar` or `en`.
fn lang_flag(value: &str) -> Result<arabpress_core::Lang> {
    value.parse().map_err(|e| anyhow!("--lang: {e}"))
}

#[tokio::main]
async fn main() -> Result<()> {
    // Logs on standard error, so that what a command prints on standard output can be
    // piped; in colour only when standard error is a terminal.
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_target(false)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    let cli = Cli::parse();
    let config = cli.config.as_ref();
    match cli.command {
        Command::Serve(a) => serve::serve_command(&settings(config, &a.overrides())?, &a).await,
        Command::Worker(d) => serve::worker(&settings(config, &d.overrides())?).await,
        Command::Demo(DemoArgs { serve: a, archive }) => {
            serve::demo(&settings(config, &a.overrides())?, &a, archive).await
        }
        Command::Migrate(d) => maintenance::migrate(&settings(config, &d.overrides())?).await,
        Command::Reindex(d) => {
            maintenance::reindex_command(&settings(config, &d.overrides())?).await
        }
        Command::Backup { out, data } => {
            transfer::backup(&settings(config, &data.overrides())?, &out).await
        }
        Command::User { action, data } => {
            accounts::user(&settings(config, &data.overrides())?, action).await
        }
        Command::Token { action, data } => {
            accounts::token(&settings(config, &data.overrides())?, action).await
        }
        Command::Apikey { action, data } => {
            accounts::apikey(&settings(config, &data.overrides())?, action).await
        }
        Command::Newsletter { action, data } => {
            newsletter::run(&settings(config, &data.overrides())?, action).await
        }
        Command::Audio { action, data } => {
            audio::run(&settings(config, &data.overrides())?, action).await
        }
        Command::Import {
            what,
            no_reindex,
            no_images,
            data,
        } => {
            let s = settings(config, &data.overrides())?;
            transfer::import(&s, what, no_reindex, no_images).await
        }
        Command::Export {
            out,
            with_secrets,
            data,
        } => transfer::export(&settings(config, &data.overrides())?, &out, with_secrets).await,
    }
}
