//! The `arabpress` binary: parses the command line and configuration, wires the store, the
//! theme, the application and the web layer together, and runs the chosen role. Logic lives
//! in the library crates; this file is definition and glue.

mod config;

/// mimalloc instead of the system allocator: serving and rendering pages allocates many
/// small buffers from several threads, where glibc's allocator costs about a tenth of the
/// time of a cached response and fragments memory across its per-thread arenas.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use anyhow::{Context, Result, anyhow, bail};
use arabpress_app::{App, SystemClock};
use arabpress_render::{Site, Theme};
use arabpress_store::Store;
use clap::{Args, Parser, Subcommand};
use config::{Overrides, RawConfig, Settings};
use std::path::PathBuf;
use std::sync::Arc;

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
        action: UserAction,
        #[command(flatten)]
        data: DataArgs,
    },
    /// Personal tokens for the admin API (`/api/v1/admin`).
    Token {
        #[command(subcommand)]
        action: TokenAction,
        #[command(flatten)]
        data: DataArgs,
    },
    /// The newsletter: subscribers, breaking news, delivery.
    Newsletter {
        #[command(subcommand)]
        action: NewsletterAction,
        #[command(flatten)]
        data: DataArgs,
    },
    /// Write the whole site (content, users, subscribers, settings, media) to one archive
    /// file, JSON Lines (docs/archive.md); `import arabpress` restores it.
    Export {
        /// The file to write.
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
        what: ImportWhat,
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
        action: AudioAction,
        #[command(flatten)]
        data: DataArgs,
    },
    /// Keys for the read-only content API (`/api/v1`).
    Apikey {
        #[command(subcommand)]
        action: ApikeyAction,
        #[command(flatten)]
        data: DataArgs,
    },
}

#[derive(Subcommand)]
enum ImportWhat {
    /// A wire feed (RSS, Atom or JSON Feed): registers it (once) and brings in its new
    /// stories now; from then on the worker polls it. Stories carry the credit line and
    /// the original's address and never arrive twice.
    Feed {
        /// The feed's address.
        url: String,
        /// The credit line (the agency's name), also the byline.
        #[arg(long)]
        name: String,
        /// The section its stories go to (slug).
        #[arg(long)]
        section: String,
        /// The stories' language, `ar` or `en` (default: the site's default language).
        #[arg(long)]
        lang: Option<String>,
        /// Publish stories at once (default: they wait for review).
        #[arg(long)]
        publish: bool,
        /// Minutes between polls.
        #[arg(long, default_value_t = 15)]
        every: i64,
    },
    /// An archive written by `arabpress export`, into an empty site (of either engine).
    Arabpress {
        /// The archive file.
        file: PathBuf,
    },
    /// A WordPress export (Tools → Export → All content, a WXR file): posts, pages,
    /// categories (as sections and tags), tags, authors (Co-Authors Plus too), dates,
    /// statuses and featured images. Prints what was imported and what was left out, and why.
    Wxr {
        /// The export file.
        file: PathBuf,
        /// The articles' language, `ar` or `en` (default: the export's own).
        #[arg(long)]
        lang: Option<String>,
    },
    /// A Ghost export (Settings → Labs → Export, or the Content API's posts): posts, pages,
    /// tags (the primary tag as the section), authors, dates, statuses, feature images;
    /// HTML, Lexical or Mobiledoc bodies.
    Ghost {
        /// The export file (JSON).
        file: PathBuf,
        /// The articles' language, `ar` or `en` (default: the site's default language).
        #[arg(long)]
        lang: Option<String>,
    },
}

#[derive(Subcommand)]
enum ApikeyAction {
    /// Create a key and print it (it is shown only once).
    Create {
        /// Who or what the key is for.
        name: String,
    },
    /// List keys (names and dates, never the keys).
    List,
    /// Revoke a key at once.
    Revoke {
        /// The key's id, as `list` shows it.
        id: i64,
    },
}

#[derive(Subcommand)]
enum NewsletterAction {
    /// Add confirmed subscribers from a CSV file (`email,langs,lists`; lists separated by
    /// spaces: digest, breaking, section:SLUG). Prints what was rejected and why.
    Import {
        /// The CSV file.
        file: PathBuf,
    },
    /// Write every subscriber as CSV to standard output.
    Export,
    /// Send a published article to the breaking-news list of its language.
    Breaking {
        /// The article's language.
        #[arg(long)]
        lang: String,
        /// The article's slug.
        slug: String,
    },
    /// Deliver waiting mail, then exit; with `--until-empty`, also wait for messages held
    /// by a stopped worker (until their lease ends) and for retries.
    Deliver {
        /// Keep going until nothing is waiting.
        #[arg(long)]
        until_empty: bool,
    },
    /// Show the latest sends and how their messages stand.
    Status,
}

#[derive(Subcommand)]
enum UserAction {
    /// Create an account. The password is read from standard input with
    /// `--password-stdin`; otherwise a strong one is generated and printed once.
    Add {
        /// Login address.
        #[arg(long)]
        email: String,
        /// Name shown in the newsroom.
        #[arg(long)]
        name: String,
        /// contributor, author, editor, admin or owner.
        #[arg(long, default_value = "contributor")]
        role: String,
        /// Read the password from standard input.
        #[arg(long)]
        password_stdin: bool,
    },
    /// List accounts.
    List,
    /// Set a new password for an account (read from standard input with
    /// `--password-stdin`, otherwise generated and printed once); its sessions end.
    Password {
        /// The account's login address.
        email: String,
        /// Read the password from standard input.
        #[arg(long)]
        password_stdin: bool,
    },
}

#[derive(Subcommand)]
enum TokenAction {
    /// Create a personal token for an account and print it (shown only once).
    Create {
        /// The account's login address.
        #[arg(long)]
        email: String,
        /// What the token is for.
        #[arg(long, default_value = "cli")]
        name: String,
        /// How many days the token works (1 to 3650); then it is refused.
        #[arg(long, default_value_t = arabpress_app::TOKEN_DAYS)]
        expires_in_days: i64,
    },
    /// List personal tokens (every account's, or one account's): id, address, name,
    /// created, expires, state. Secrets are never stored, so none is shown.
    List {
        /// Only this account's tokens.
        #[arg(long)]
        email: Option<String>,
    },
    /// Revoke a token by the id `token list` shows; it is refused from then on.
    Revoke {
        /// The token's id.
        id: i64,
    },
}

/// A random password of 20 characters from an unambiguous alphabet.
fn generated_password() -> Result<String> {
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut bytes = [0u8; 20];
    getrandom::fill(&mut bytes).map_err(|e| anyhow::anyhow!("no randomness: {e}"))?;
    Ok(bytes
        .iter()
        .map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char)
        .collect())
}

/// What `open` does with the search index.
#[derive(Clone, Copy, PartialEq, Eq)]
enum IndexUse {
    /// Open it and bring it up to date (serving).
    Sync,
    /// Open it as it is (rebuilding).
    Open,
    /// Leave it alone (a server may hold it): a throw-away index in memory.
    None,
}

#[derive(Args, Clone)]
struct DataArgs {
    /// Data folder (database, search index, media).
    #[arg(long = "data", value_name = "DIR", global = true)]
    data: Option<PathBuf>,
}

#[derive(Args, Clone)]
struct DemoArgs {
    #[command(flatten)]
    serve: ServeArgs,
    /// Also generate this many archive articles (variations of the demo ones), for
    /// load and memory measurements.
    #[arg(long, value_name = "N", default_value_t = 0)]
    archive: usize,
}

#[derive(Args, Clone)]
struct ServeArgs {
    #[command(flatten)]
    data: DataArgs,
    /// Address to listen on, e.g. 127.0.0.1:8090.
    #[arg(long, value_name = "ADDR")]
    listen: Option<String>,
    /// Render every page on every request (for measuring).
    #[arg(long)]
    no_cache: bool,
    /// Serve without running background jobs (scheduled publishing); another process
    /// must run them.
    #[arg(long)]
    no_worker: bool,
}

impl DataArgs {
    fn overrides(self) -> Overrides {
        Overrides {
            data_dir: self.data,
            ..Overrides::default()
        }
    }
}

impl ServeArgs {
    fn overrides(&self) -> Overrides {
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

fn settings(cli_config: Option<&PathBuf>, o: &Overrides) -> Result<Settings> {
    let mut raw = match cli_config {
        Some(p) => RawConfig::load(p, true)?,
        None => RawConfig::load(std::path::Path::new("arabpress.toml"), false)?,
    };
    raw.apply_env(|k| std::env::var(k).ok())?;
    raw.validate(o)
}

/// Opens the store, the theme and the search index; with [`IndexUse::Sync`], a new or
/// outdated index is rebuilt or caught up from the change feed before the app is returned.
async fn open(s: &Settings, index_use: IndexUse) -> Result<App> {
    if s.database_url.starts_with("sqlite:") {
        let tightened = arabpress_store::private::private_dir(&s.data_dir)
            .with_context(|| format!("creating {}", s.data_dir.display()))?;
        if tightened {
            tracing::warn!(
                folder = %s.data_dir.display(),
                "the data folder was readable by other accounts; now 0700"
            );
        }
    }
    let store = Store::connect(&s.database_url)
        .await
        .context("opening the database")?;
    let site = Site {
        name: s.name.clone(),
        tagline: s.tagline.clone(),
        base_url: s.base_url.clone(),
        full_content_feeds: s.full_content_feeds,
        newsletter_popup: s.newsletter_popup,
    };
    let theme = Theme::new(site, s.time_zone.clone(), s.theme_dir.as_deref())
        .context("loading the theme")?;
    let index_dir = s.data_dir.join("index");
    let (index, opened) = if index_use == IndexUse::None {
        (
            arabpress_search::SearchIndex::in_memory()?,
            arabpress_search::Opened::Existing,
        )
    } else {
        // A rebuild (`reindex`) gets every core; a server keeps its writer small.
        let size = if index_use == IndexUse::Open {
            arabpress_search::WriterSize::Bulk
        } else {
            arabpress_search::WriterSize::Serving
        };
        arabpress_search::SearchIndex::open_with(&index_dir, size)
            .with_context(|| format!("opening the search index in {}", index_dir.display()))?
    };
    let app = App::new(
        store,
        theme,
        Arc::new(index),
        s.cache_bytes,
        Arc::new(SystemClock),
        match &s.media {
            arabpress_app::MediaStorage::Folder(dir) => dir.clone(),
            arabpress_app::MediaStorage::S3(_) => s.data_dir.join("media"),
        },
    );
    app.set_outbound_policy(s.outbound);
    app.set_media_storage(&s.media)
        .with_context(|| format!("opening the media store ({})", s.media))?;
    app.set_audio(s.audio.clone());
    // Set before the index catches up, which re-sends the purges of the changes it replays.
    if let Some(url) = &s.purge_url {
        app.set_purge_url(url.clone())?;
    }
    if index_use == IndexUse::Sync {
        app.sync_index(opened)
            .await
            .context("bringing the search index up to date")?;
    }
    let m = &s.mail;
    app.set_mail(arabpress_app::MailSettings {
        mailer: arabpress_mail::Mailer::new(&m.from, m.transport.clone(), m.dkim.as_ref())
            .context("setting up mail")?,
        connections: m.connections,
        per_second: m.per_second,
        lease_seconds: m.lease_seconds,
        digest_hour: m.digest_hour,
        digest_auto: m.digest_auto,
    });
    Ok(app)
}

/// Rebuilds the index with a progress bar on the terminal.
async fn reindex(app: &App) -> Result<()> {
    let bar = indicatif::ProgressBar::new(0);
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{msg} [{bar:40}] {pos}/{len} ({per_sec}, {eta} left)",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
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

/// `arabpress import wxr`: streams the file with a progress bar, then prints the report.
async fn import_wxr(app: &App, file: &std::path::Path, lang: Option<&str>) -> Result<String> {
    let lang = lang
        .map(|l| {
            l.parse::<arabpress_core::Lang>()
                .map_err(|e| anyhow!("--lang: {e}"))
        })
        .transpose()?;
    let f = std::fs::File::open(file).with_context(|| format!("opening {}", file.display()))?;
    let size = f.metadata().map(|m| m.len()).unwrap_or(0);
    let bar = indicatif::ProgressBar::new(size);
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "importing [{bar:40}] {bytes}/{total_bytes} ({bytes_per_sec}, {eta} left)",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    let started = std::time::Instant::now();
    let reader = std::io::BufReader::with_capacity(1 << 20, f);
    let options = arabpress_app::ImportOptions { lang, batch: 0 };
    let done = app
        .import_wxr(reader, &options, |at| bar.set_position(at))
        .await;
    bar.finish_and_clear();
    import_outcome(done, file, started.elapsed().as_secs_f64())
}

/// `arabpress import feed`.
async fn import_feed(app: &App, form: &arabpress_app::WireFeedForm) -> Result<()> {
    let existing = app
        .store()
        .wire_feeds()
        .await?
        .into_iter()
        .find(|f| f.url == form.url.trim());
    let feed = match existing {
        Some(f) => f,
        None => {
            let f = app.add_wire_feed(form).await?;
            println!("registered {} ({})", f.url, f.name);
            f
        }
    };
    match app.poll_wire_feed(feed.id).await? {
        Some(o) if o.status == "error" => bail!(
            "{}: {}",
            feed.url,
            o.error.unwrap_or_else(|| "refused".into())
        ),
        Some(o) => println!("{}: {} ({} new stories)", feed.url, o.status, o.new_items),
        None => println!("{}: another node is polling it now", feed.url),
    }
    Ok(())
}

/// `arabpress export`.
async fn export_archive(app: &App, out: &std::path::Path, with_secrets: bool) -> Result<()> {
    if out.exists() {
        bail!("{} exists: give a new file name", out.display());
    }
    // Written under a temporary name in the same folder and renamed once complete, so a
    // file with the archive's name is always a whole archive, even after a crash.
    let partial = partial_name(out);
    let file = arabpress_store::private::create_private(&partial)
        .with_context(|| format!("creating {}", partial.display()))?;
    let mut w = std::io::BufWriter::with_capacity(1 << 20, file);
    let bar = indicatif::ProgressBar::new_spinner();
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    let started = std::time::Instant::now();
    let done = app
        .export_archive(&mut w, with_secrets, |table, n| {
            bar.set_message(format!("{table}: {n}"))
        })
        .await;
    bar.finish_and_clear();
    let finished = done.map_err(anyhow::Error::from).and_then(|report| {
        let file = w.into_inner().map_err(|e| e.into_error())?;
        file.sync_all()?;
        drop(file);
        if out.exists() {
            bail!("{} appeared while the archive was written", out.display());
        }
        std::fs::rename(&partial, out)?;
        sync_parent(out);
        Ok(report)
    });
    let report = match finished {
        Ok(r) => r,
        Err(e) => {
            let _ = std::fs::remove_file(&partial);
            return Err(e).context(format!("writing the archive {}", out.display()));
        }
    };
    let size = std::fs::metadata(out).map(|m| m.len()).unwrap_or(0);
    println!(
        "archive written to {} in {:.1} s: {} rows, {} media files ({} KiB); {} KiB in all{}",
        out.display(),
        started.elapsed().as_secs_f64(),
        report.rows(),
        report.media_files,
        report.media_bytes / 1024,
        size / 1024,
        if report.secrets {
            "; it holds password hashes and tokens: keep it safe"
        } else {
            ""
        }
    );
    for (table, n) in &report.tables {
        println!("  {table}: {n}");
    }
    Ok(())
}

/// A temporary name beside `out` for a file being written: `.NAME.partial-PID`.
fn partial_name(out: &std::path::Path) -> PathBuf {
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    out.with_file_name(format!(".{name}.partial-{}", std::process::id()))
}

/// Makes a rename into `path`'s folder durable (best effort: some file systems refuse).
fn sync_parent(path: &std::path::Path) {
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => std::path::Path::new("."),
    };
    if let Ok(d) = std::fs::File::open(parent) {
        let _ = d.sync_all();
    }
}

/// `arabpress import arabpress`.
async fn restore_archive(app: &App, file: &std::path::Path) -> Result<()> {
    let f = std::fs::File::open(file).with_context(|| format!("opening {}", file.display()))?;
    let reader = std::io::BufReader::with_capacity(1 << 20, f);
    let bar = indicatif::ProgressBar::new_spinner();
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    let started = std::time::Instant::now();
    let done = app
        .import_archive(reader, |n| bar.set_message(format!("{n} lines read")))
        .await;
    bar.finish_and_clear();
    let report = done.with_context(|| format!("restoring {}", file.display()))?;
    println!(
        "restored {} rows and {} media files from {} in {:.1} s{}",
        report.rows(),
        report.media_files,
        file.display(),
        started.elapsed().as_secs_f64(),
        if report.secrets {
            ""
        } else {
            "; the archive has no passwords: give each account one with `arabpress user password EMAIL`"
        }
    );
    if report.new_webhook_secrets > 0 {
        println!(
            "{} webhooks were given new signing keys (the archive has none): their receivers \
             reject deliveries until each webhook is registered again",
            report.new_webhook_secrets
        );
    }
    let n = app
        .rebuild_search_index(&|_, _| {})
        .await
        .context("building the search index")?;
    println!("indexed {n} articles");
    Ok(())
}

/// `arabpress import ghost`.
async fn import_ghost(app: &App, file: &std::path::Path, lang: &str) -> Result<String> {
    let lang = lang
        .parse::<arabpress_core::Lang>()
        .map_err(|e| anyhow!("--lang: {e}"))?;
    let bytes = std::fs::read(file).with_context(|| format!("reading {}", file.display()))?;
    let started = std::time::Instant::now();
    let options = arabpress_app::ImportOptions {
        lang: Some(lang),
        batch: 0,
    };
    let done = app.import_ghost(&bytes, &options).await;
    let secs = started.elapsed().as_secs_f64();
    import_outcome(done, file, secs)
}

/// Prints a report, or explains why an import stopped.
/// Fetches the imported articles' featured images from the old site, with a progress bar.
async fn fetch_images(app: &App, source: &str) -> Result<()> {
    let bar = indicatif::ProgressBar::new(0);
    bar.set_style(
        indicatif::ProgressStyle::with_template("fetching images [{bar:40}] {pos}/{len}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    let r = app
        .fetch_imported_images(source, |done, total| {
            bar.set_length(total);
            bar.set_position(done);
        })
        .await?;
    bar.finish_and_clear();
    println!(
        "featured images: {} fetched into the media store for {} articles; {} unreachable (their articles keep the old address)",
        r.fetched,
        r.articles,
        r.unreachable.len()
    );
    for (url, why) in r.unreachable.iter().take(20) {
        println!("  # {url}: {why}");
    }
    if r.unreachable.len() > 20 {
        println!("  # … and {} more", r.unreachable.len() - 20);
    }
    Ok(())
}

fn import_outcome(
    done: Result<arabpress_app::ContentReport, arabpress_app::ImportError>,
    file: &std::path::Path,
    secs: f64,
) -> Result<String> {
    match done {
        Ok(report) => {
            print_import(&report, secs);
            Ok(report.source)
        }
        Err(arabpress_app::ImportError::File { error, report }) => {
            print_import(&report, secs);
            let place = match &error {
                arabpress_ingest::IngestError::Malformed { offset, .. } => {
                    let (line, column) = std::fs::File::open(file)
                        .and_then(|f| arabpress_ingest::line_and_column(f, *offset))
                        .unwrap_or((0, 0));
                    format!("{}:{line}:{column}: ", file.display())
                }
                _ => format!("{}: ", file.display()),
            };
            bail!(
                "{place}{error}\nthe {} articles of earlier batches are imported; nothing of the batch it broke in was kept",
                report.imported
            )
        }
        Err(arabpress_app::ImportError::Store { error, report }) => {
            print_import(&report, secs);
            bail!(
                "{}: the store refused a batch ({error}); the {} articles of earlier batches are imported, nothing of that batch was kept",
                file.display(),
                report.imported
            )
        }
    }
}

fn print_import(r: &arabpress_app::ContentReport, secs: f64) {
    let rate = if secs > 0.0 {
        (r.posts + r.pages) as f64 / secs
    } else {
        0.0
    };
    println!(
        "{}: {} items read ({} posts, {} pages, {} attachments) in {secs:.1} s ({rate:.0} posts and pages/s)",
        r.source, r.items, r.posts, r.pages, r.attachments
    );
    println!(
        "imported {} articles ({} already imported before), {} featured images; made {} sections and {} authors",
        r.imported, r.unchanged, r.images, r.sections_created, r.authors_created
    );
    println!("{} comments not imported", r.comments);
    for (kind, n) in &r.other_types {
        println!("left out: {n} items of type {kind}");
    }
    let list = |title: &str, items: &[arabpress_app::Skipped]| {
        if items.is_empty() {
            return;
        }
        println!("{title} ({}):", items.len());
        for s in items.iter().take(100) {
            println!("  #{} {:?}: {}", s.id, s.title, s.reason);
        }
        if items.len() > 100 {
            println!("  … and {} more", items.len() - 100);
        }
    };
    list("skipped", &r.skipped);
    list("changed to fit", &r.notes);
}

/// How often the worker looks for due jobs.
const WORKER_TICK: std::time::Duration = std::time::Duration::from_secs(5);

/// How often the worker looks for wire feeds that are due.
const WIRE_TICK: std::time::Duration = std::time::Duration::from_secs(30);

/// Runs background jobs until the process stops: scheduled articles go live on time
/// whether or not anyone visits, and wire feeds are polled (beside, so a slow feed never
/// holds up publishing).
fn spawn_worker(app: App) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        tokio::join!(run_jobs(app.clone()), poll_wire(app.clone()), speak(app));
    })
}

/// `arabpress audio …`.
#[derive(Debug, Subcommand)]
enum AudioAction {
    /// Speak published articles: those without audio (`--missing`, the default), every one
    /// again (`--all`), or the article SLUG.
    Build {
        /// Every published article, even those whose audio is current.
        #[arg(long, conflicts_with_all = ["missing", "slug"])]
        all: bool,
        /// Published articles without audio (the default).
        #[arg(long, conflicts_with = "slug")]
        missing: bool,
        /// One article, by its slug.
        slug: Option<String>,
        /// The SLUG's language, when both have it (`ar` or `en`).
        #[arg(long, requires = "slug")]
        lang: Option<String>,
    },
    /// Whether the speech engine is found, and how many articles have audio.
    Status,
    /// Print Arabic text from standard input with the vowel marks put in before speech, a
    /// line for a line (to see what the engine will read).
    Vowels {
        /// The vowel-mark model for words the table lacks (scripts/tashkeel-model.py);
        /// default: `[audio] tashkeel_model`, if set.
        #[arg(long, value_name = "FILE")]
        model: Option<PathBuf>,
    },
    /// Speak TEXT into an MP3 file, as an article would be (to hear how the engine reads
    /// a word or a name).
    Say {
        /// The text.
        text: String,
        /// Its language (`ar` or `en`).
        #[arg(long, default_value = "ar")]
        lang: String,
        /// Leave Arabic without the vowel marks put in before speech (to compare).
        #[arg(long)]
        no_vowels: bool,
        /// The MP3 file to write.
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
}

fn audio_say(
    settings: &arabpress_app::AudioSettings,
    text: &str,
    lang: &str,
    no_vowels: bool,
    out: &std::path::Path,
) -> Result<()> {
    let lang: arabpress_core::Lang = lang.parse().map_err(|e| anyhow!("--lang: {e}"))?;
    let mut engine = arabpress_audio::Engine::detect(&settings.espeak, &settings.lame)?;
    if let (Some(path), false) = (&settings.tashkeel_model, no_vowels) {
        engine = engine.with_model(arabpress_audio::model::Model::load(path)?);
    }
    let text = if lang == arabpress_core::Lang::Ar && !no_vowels {
        arabpress_audio::tashkeel::vowel(text)
    } else {
        text.to_owned()
    };
    let speech = engine.speak(
        &arabpress_audio::Script {
            lang,
            text: text.clone(),
        },
        "arabpress",
        "arabpress",
    )?;
    std::fs::write(out, &speech.mp3).with_context(|| format!("writing {}", out.display()))?;
    println!(
        "{}: {:.1} s, {} bytes; spoken text: {text}",
        out.display(),
        speech.duration_ms as f64 / 1000.0,
        speech.mp3.len()
    );
    Ok(())
}

async fn audio_status(app: &App) -> Result<()> {
    let counts = app.store().audio_counts().await?;
    match app.audio_status() {
        arabpress_app::AudioStatus::On(engine) => println!("audio: on ({engine})"),
        arabpress_app::AudioStatus::Off(reason) => println!("audio: off: {reason}"),
    }
    println!(
        "published articles: {} with audio, {} failed, {} waiting",
        counts.ready, counts.failed, counts.waiting
    );
    Ok(())
}

/// `arabpress audio build`: speaks the chosen articles with a progress bar, then reports.
async fn audio_build(app: &App, all: bool, slug: Option<&str>, lang: Option<&str>) -> Result<()> {
    if let arabpress_app::AudioStatus::Off(reason) = app.audio_status() {
        bail!("articles cannot be spoken: {reason}");
    }
    let ids = match slug {
        Some(slug) => {
            let langs = match lang {
                Some(l) => vec![
                    l.parse::<arabpress_core::Lang>()
                        .map_err(|e| anyhow!("--lang: {e}"))?,
                ],
                None => vec![arabpress_core::Lang::Ar, arabpress_core::Lang::En],
            };
            let mut found = Vec::new();
            for l in langs {
                if let Some(a) = app.store().article_by_slug(l, slug).await? {
                    found.push(a.summary.id);
                }
            }
            match found.len() {
                0 => bail!("there is no article {slug:?}"),
                1 => found,
                _ => bail!("both languages have an article {slug:?}: add --lang ar or --lang en"),
            }
        }
        None => app.store().articles_to_speak(!all).await?,
    };
    let bar = indicatif::ProgressBar::new(ids.len() as u64);
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "speaking [{bar:40}] {pos}/{len} articles ({per_sec}, {eta} left)",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    let started = std::time::Instant::now();
    let (mut made, mut unchanged, mut seconds, mut bytes) = (0u64, 0u64, 0i64, 0i64);
    let mut failed = Vec::new();
    let force = all || slug.is_some();
    for chunk in ids.chunks(8) {
        let pick = arabpress_app::AudioPick::These(chunk.to_vec());
        let done = app
            .speak(&pick, force, chunk.len() as i64, |_| bar.inc(1))
            .await?;
        for o in done {
            match o {
                arabpress_app::AudioOutcome::Made { audio, .. } => {
                    made += 1;
                    seconds += audio.duration_ms / 1000;
                    bytes += audio.bytes;
                }
                arabpress_app::AudioOutcome::Unchanged(_)
                | arabpress_app::AudioOutcome::NotPublished(_) => unchanged += 1,
                arabpress_app::AudioOutcome::Failed(id, why) => failed.push((id, why)),
            }
        }
    }
    bar.finish_and_clear();
    println!(
        "spoke {made} articles ({} min {} s of audio, {:.1} MB) in {:.1} s; {unchanged} unchanged; {} failed",
        seconds / 60,
        seconds % 60,
        bytes as f64 / 1e6,
        started.elapsed().as_secs_f64(),
        failed.len()
    );
    for (id, why) in &failed {
        println!("  article {id}: {why}");
    }
    if !failed.is_empty() {
        bail!("{} articles could not be spoken", failed.len());
    }
    Ok(())
}

/// How often the worker looks for articles to speak.
const AUDIO_TICK: std::time::Duration = std::time::Duration::from_secs(10);

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
    let mut tick = tokio::time::interval(AUDIO_TICK);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    loop {
        tick.tick().await;
        loop {
            match app.speak_due(4).await {
                Ok(done) if done.is_empty() => break,
                Ok(_) => {}
                Err(e) => {
                    tracing::warn!(error = %e, "speaking articles failed; will retry");
                    break;
                }
            }
        }
    }
}

/// Polls the wire feeds that are due, every half minute.
async fn poll_wire(app: App) {
    let mut tick = tokio::time::interval(WIRE_TICK);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    loop {
        tick.tick().await;
        loop {
            match app.poll_wire_feeds().await {
                Ok(polled) if polled.is_empty() => break,
                Ok(polled) => {
                    for p in polled.iter().filter(|p| p.new_items > 0) {
                        tracing::info!(feed = p.feed_id, stories = p.new_items, "wire stories in");
                    }
                }
                Err(e) => {
                    tracing::warn!(error = %e, "polling wire feeds failed; will retry");
                    break;
                }
            }
        }
    }
}

/// The scheduled jobs, every few seconds.
async fn run_jobs(app: App) {
    let mut tick = tokio::time::interval(WORKER_TICK);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let mut ticks: u64 = 0;
    loop {
        tick.tick().await;
        if let Err(e) = app.run_due().await {
            tracing::warn!(error = %e, "publishing scheduled articles failed; will retry");
        }
        // Webhooks after publishing, so a scheduled article's delivery leaves this round.
        if let Err(e) = app.deliver_webhooks().await {
            tracing::warn!(error = %e, "sending webhooks failed; will retry");
        }
        // About every minute: the daily digests, once their hour has come.
        if ticks.is_multiple_of(12)
            && let Err(e) = app.make_digests().await
        {
            tracing::warn!(error = %e, "making the daily digests failed; will retry");
        }
        // About hourly: forget expired sessions and old failed sign-ins.
        if ticks.is_multiple_of(720)
            && let Err(e) = app.purge_sessions().await
        {
            tracing::warn!(error = %e, "purging expired sessions failed; will retry");
        }
        ticks += 1;
    }
}

/// Delivers the outbox until the process stops: at once when this node queues mail, and
/// every second for mail other nodes queued or retries that came due.
fn spawn_mailer(app: App) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            match app.deliver_mail().await {
                Ok(n) if n > 0 => tracing::info!(sent = n, "newsletter mail delivered"),
                Ok(_) => app.mail_waiting(std::time::Duration::from_secs(1)).await,
                Err(e) => {
                    tracing::warn!(error = %e, "delivering mail failed; will retry");
                    tokio::time::sleep(std::time::Duration::from_secs(5)).await;
                }
            }
        }
    })
}

/// How often a node reads the change feed when nothing announces a change (a missed
/// announcement, or a listener that could not connect).
const FOLLOW_TICK: std::time::Duration = std::time::Duration::from_millis(250);
/// How long a node with a listener waits for an announcement before reading the feed anyway.
const FOLLOW_FALLBACK: std::time::Duration = std::time::Duration::from_secs(2);

/// Follows the change feed so this node's page cache and search index reflect changes made
/// by other processes: other nodes on PostgreSQL, and on either engine the commands run
/// beside the server (`audio build`, `import`, `user`…). Woken by LISTEN/NOTIFY on
/// PostgreSQL as each change commits, and reading the feed by id every two seconds anyway
/// (on SQLite only that), so a missed notification delays a change but never loses it. A
/// change this process made itself is applied a second time, which costs one re-index of
/// the article and leaves the same pages.
async fn spawn_follower(app: &App) -> Result<Option<tokio::task::JoinHandle<()>>> {
    app.start_following().await?;
    let app = app.clone();
    Ok(Some(tokio::spawn(async move {
        let mut listener = None;
        loop {
            if listener.is_none() {
                listener = match app.store().listen_changes().await {
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

async fn serve(app: App, s: &Settings, worker: bool) -> Result<()> {
    let listener = tokio::net::TcpListener::bind(s.listen)
        .await
        .with_context(|| format!("listening on {}", s.listen))?;
    let addr = listener.local_addr()?;
    tracing::info!(%addr, db = ?app.store().backend(), tz = %s.time_zone_name, cache_mb = s.cache_bytes >> 20, "serving");
    println!("arabpress is serving on http://{addr}/  (Ctrl-C to stop)");
    let router = arabpress_web::router(app.clone(), s.default_lang);
    let jobs = worker.then(|| (spawn_worker(app.clone()), spawn_mailer(app.clone())));
    let follower = spawn_follower(&app).await?;
    // The client address feeds the login rate limit.
    axum::serve(
        listener,
        router.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown())
    .await?;
    if let Some((j, m)) = jobs {
        j.abort();
        m.abort();
    }
    if let Some(f) = follower {
        f.abort();
    }
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

async fn newsletter(app: &App, action: NewsletterAction) -> Result<()> {
    match action {
        NewsletterAction::Import { file } => {
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("reading {}", file.display()))?;
            let report = app.import_subscribers(&text).await?;
            for (line, row, why) in &report.rejected {
                eprintln!("line {line}: {row:?}: {why}");
            }
            println!(
                "{} subscribers added, {} rows rejected",
                report.added,
                report.rejected.len()
            );
        }
        NewsletterAction::Export => {
            let csv = app
                .export_subscribers(&arabpress_app::SubscriberQuery::default())
                .await?;
            print!("{csv}");
        }
        NewsletterAction::Breaking { lang, slug } => {
            let lang: arabpress_core::Lang = lang.parse()?;
            let a = app
                .store()
                .article_by_slug(lang, &slug)
                .await?
                .ok_or_else(|| anyhow::anyhow!("no article {slug} in {lang}"))?;
            let (send, n) = app.breaking_news(a.summary.id, None).await?;
            println!("send {} queued for {n} subscribers", send.id);
        }
        NewsletterAction::Deliver { until_empty } => {
            let started = std::time::Instant::now();
            let mut sent = 0;
            loop {
                sent += app.deliver_mail().await?;
                if !until_empty || app.store().outbox_pending().await? == 0 {
                    break;
                }
                tokio::time::sleep(std::time::Duration::from_millis(500)).await;
            }
            let secs = started.elapsed().as_secs_f64();
            println!(
                "delivered {sent} messages in {secs:.2} s ({:.0} messages/s)",
                sent as f64 / secs.max(1e-9)
            );
        }
        NewsletterAction::Status => {
            println!("{} messages waiting", app.store().outbox_pending().await?);
            for (send, st) in app.store().sends_with_stats(20).await? {
                println!(
                    "send {}\t{}\t{}\t{}\t{}\tqueued {} sent {} failed {} bounced {} cancelled {}",
                    send.id,
                    send.kind,
                    send.lang,
                    send.list,
                    send.status,
                    st.queued,
                    st.sent,
                    st.failed,
                    st.bounced,
                    st.cancelled
                );
            }
        }
    }
    Ok(())
}

#[tokio::main]
async fn main() -> Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_target(false)
        .init();
    let cli = Cli::parse();
    match cli.command {
        Command::Serve(a) => {
            let s = settings(cli.config.as_ref(), &a.overrides())?;
            let app = open(&s, IndexUse::Sync).await?;
            serve(app, &s, !a.no_worker).await
        }
        Command::Worker(d) => {
            let s = settings(cli.config.as_ref(), &d.overrides())?;
            let app = open(&s, IndexUse::Sync).await?;
            tracing::info!(db = ?app.store().backend(), "running background jobs");
            let jobs = spawn_worker(app.clone());
            let mailer = spawn_mailer(app.clone());
            let follower = spawn_follower(&app).await?;
            shutdown().await;
            jobs.abort();
            mailer.abort();
            if let Some(f) = follower {
                f.abort();
            }
            app.close().await;
            Ok(())
        }
        Command::Demo(DemoArgs { serve: a, archive }) => {
            let s = settings(cli.config.as_ref(), &a.overrides())?;
            let app = open(&s, IndexUse::Sync).await?;
            if app.store().count_articles().await? == 0 {
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
                let password = generated_password()?;
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
            serve(app, &s, !a.no_worker).await
        }
        Command::Migrate(a) => {
            let s = settings(cli.config.as_ref(), &a.overrides())?;
            // Migrating touches only the database, so it works beside a running server.
            let app = open(&s, IndexUse::None).await?;
            println!("database is up to date ({:?})", app.store().backend());
            app.close().await;
            Ok(())
        }
        Command::User { action, data } => {
            let s = settings(cli.config.as_ref(), &data.overrides())?;
            let app = open(&s, IndexUse::None).await?;
            match action {
                UserAction::Add {
                    email,
                    name,
                    role,
                    password_stdin,
                } => {
                    let role: arabpress_core::Role = role.parse()?;
                    let (password, show) = if password_stdin {
                        let mut line = String::new();
                        std::io::stdin()
                            .read_line(&mut line)
                            .context("reading the password from standard input")?;
                        (line.trim_end_matches(['\r', '\n']).to_owned(), false)
                    } else {
                        (generated_password()?, true)
                    };
                    let user = app.create_user(&email, &name, role, &password).await?;
                    println!("created {} <{}> as {}", user.name, user.email, user.role);
                    if show {
                        println!("password (shown once): {password}");
                    }
                }
                UserAction::Password {
                    email,
                    password_stdin,
                } => {
                    let (password, show) = if password_stdin {
                        let mut line = String::new();
                        std::io::stdin()
                            .read_line(&mut line)
                            .context("reading the password from standard input")?;
                        (line.trim_end_matches(['\r', '\n']).to_owned(), false)
                    } else {
                        (generated_password()?, true)
                    };
                    let user = app.reset_password(&email, &password).await?;
                    println!("new password set for {} <{}>", user.name, user.email);
                    if show {
                        println!("password (shown once): {password}");
                    }
                }
                UserAction::List => {
                    for u in app.store().users().await? {
                        let state = if u.active { "active" } else { "deactivated" };
                        println!("{}\t{}\t{}\t{}\t{state}", u.id, u.email, u.name, u.role);
                    }
                }
            }
            app.close().await;
            Ok(())
        }
        Command::Token { action, data } => {
            let s = settings(cli.config.as_ref(), &data.overrides())?;
            let app = open(&s, IndexUse::None).await?;
            match action {
                TokenAction::Create {
                    email,
                    name,
                    expires_in_days,
                } => {
                    let (user, _) = app
                        .store()
                        .user_by_email(&email)
                        .await?
                        .ok_or_else(|| anyhow::anyhow!("there is no account for {email}"))?;
                    let secret = app
                        .create_token_for_days(user.id, &name, expires_in_days)
                        .await?;
                    println!("token for {} ({}): {secret}", user.email, user.role);
                    println!(
                        "it works for {expires_in_days} days; send it as Authorization: Bearer …; it is not shown again"
                    );
                }
                TokenAction::List { email } => {
                    let now = app.now();
                    for t in app.tokens(email.as_deref()).await? {
                        let state = match (t.revoked_at, t.expires_at) {
                            (Some(at), _) => format!("revoked {at}"),
                            (None, Some(at)) if at <= now => format!("expired {at}"),
                            _ => "live".to_owned(),
                        };
                        let expires = t.expires_at.map(|e| e.to_string()).unwrap_or_default();
                        println!(
                            "{}\t{}\t{}\t{}\t{expires}\t{state}",
                            t.id, t.email, t.name, t.created_at
                        );
                    }
                }
                TokenAction::Revoke { id } => {
                    app.revoke_token(id, None).await.map_err(|e| match e {
                        arabpress_app::AppError::NotFound => {
                            anyhow::anyhow!("there is no token {id} (see `arabpress token list`)")
                        }
                        other => other.into(),
                    })?;
                    println!("token {id} revoked");
                }
            }
            app.close().await;
            Ok(())
        }
        Command::Newsletter { action, data } => {
            let s = settings(cli.config.as_ref(), &data.overrides())?;
            let app = open(&s, IndexUse::None).await?;
            newsletter(&app, action).await?;
            app.close().await;
            Ok(())
        }
        Command::Audio { action, data } => {
            let s = settings(cli.config.as_ref(), &data.overrides())?;
            match action {
                // These two need no site.
                AudioAction::Vowels { model } => {
                    use std::io::{BufRead, Write};
                    let model = model
                        .or_else(|| s.audio.tashkeel_model.clone())
                        .map(|p| arabpress_audio::model::Model::load(&p))
                        .transpose()?;
                    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
                    for line in std::io::stdin().lock().lines() {
                        let line = line?;
                        let vowelled = match &model {
                            Some(m) => arabpress_audio::tashkeel::vowel_with_model(&line, m),
                            None => arabpress_audio::tashkeel::vowel(&line),
                        };
                        writeln!(out, "{vowelled}")?;
                    }
                    out.flush()?;
                    Ok(())
                }
                AudioAction::Say {
                    text,
                    lang,
                    no_vowels,
                    out,
                } => audio_say(&s.audio, &text, &lang, no_vowels, &out),
                AudioAction::Status => audio_status(&open(&s, IndexUse::None).await?).await,
                AudioAction::Build {
                    all,
                    missing: _,
                    slug,
                    lang,
                } => {
                    let app = open(&s, IndexUse::None).await?;
                    audio_build(&app, all, slug.as_deref(), lang.as_deref()).await
                }
            }
        }
        Command::Apikey { action, data } => {
            let s = settings(cli.config.as_ref(), &data.overrides())?;
            let app = open(&s, IndexUse::None).await?;
            match action {
                ApikeyAction::Create { name } => {
                    let (key, secret) = app.create_api_key(&name).await?;
                    println!("API key {} ({}): {secret}", key.id, key.name);
                    println!("send it as the X-Api-Key header; it is not shown again");
                }
                ApikeyAction::List => {
                    for k in app.store().api_keys().await? {
                        let state = k
                            .revoked_at
                            .map_or_else(|| "live".to_owned(), |t| format!("revoked {t}"));
                        println!("{}\t{}\tcreated {}\t{state}", k.id, k.name, k.created_at);
                    }
                }
                ApikeyAction::Revoke { id } => {
                    app.store().revoke_api_key(id, app.now()).await?;
                    println!("API key {id} revoked");
                }
            }
            app.close().await;
            Ok(())
        }
        Command::Backup { out, data } => {
            let s = settings(cli.config.as_ref(), &data.overrides())?;
            // The index is not part of a backup and a server may hold it.
            let app = open(&s, IndexUse::None).await?;
            let bar = indicatif::ProgressBar::new_spinner().with_message("copying the database");
            bar.enable_steady_tick(std::time::Duration::from_millis(120));
            let b = bar.clone();
            let report = app
                .backup(&out, move |n| {
                    b.set_message(format!("{n} media files copied"))
                })
                .await;
            bar.finish_and_clear();
            let report = report?;
            println!(
                "backup written to {}: database {} KiB, {} media files ({} KiB)",
                out.display(),
                report.database_bytes / 1024,
                report.media_files,
                report.media_bytes / 1024
            );
            app.close().await;
            Ok(())
        }
        Command::Import {
            what,
            no_reindex,
            no_images,
            data,
        } => {
            let s = settings(cli.config.as_ref(), &data.overrides())?;
            let app = open(&s, IndexUse::Open).await?;
            if let ImportWhat::Feed {
                url,
                name,
                section,
                lang,
                publish,
                every,
            } = &what
            {
                let form = arabpress_app::WireFeedForm {
                    url: url.clone(),
                    name: name.clone(),
                    lang: lang
                        .clone()
                        .unwrap_or_else(|| s.default_lang.code().to_owned()),
                    section: section.clone(),
                    publish: *publish,
                    interval_minutes: *every,
                };
                let result = import_feed(&app, &form).await;
                app.close().await;
                return result;
            }
            if let ImportWhat::Arabpress { file } = &what {
                let result = restore_archive(&app, file).await;
                app.close().await;
                return result;
            }
            let result = match what {
                ImportWhat::Arabpress { .. } | ImportWhat::Feed { .. } => Ok(String::new()),
                ImportWhat::Wxr { file, lang } => import_wxr(&app, &file, lang.as_deref()).await,
                ImportWhat::Ghost { file, lang } => {
                    import_ghost(
                        &app,
                        &file,
                        lang.as_deref().unwrap_or(s.default_lang.code()),
                    )
                    .await
                }
            };
            if let (Ok(source), false) = (&result, no_images) {
                fetch_images(&app, source).await?;
            }
            if result.is_ok() {
                if no_reindex {
                    println!(
                        "the search index is not updated: run `arabpress reindex` before serving"
                    );
                } else {
                    reindex(&app).await?;
                }
            }
            app.close().await;
            result.map(|_| ())
        }
        Command::Export {
            out,
            with_secrets,
            data,
        } => {
            let s = settings(cli.config.as_ref(), &data.overrides())?;
            let app = open(&s, IndexUse::None).await?;
            let result = export_archive(&app, &out, with_secrets).await;
            app.close().await;
            result
        }
        Command::Reindex(a) => {
            let s = settings(cli.config.as_ref(), &a.overrides())?;
            let app = open(&s, IndexUse::Open).await?;
            reindex(&app).await?;
            app.close().await;
            Ok(())
        }
    }
}
