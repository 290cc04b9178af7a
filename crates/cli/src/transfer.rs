//! `arabpress import`, `export` and `backup`: moving a site's content in (WordPress, Ghost,
//! wire feeds, our own archive) and out (the archive, a consistent copy of a SQLite site),
//! each with a progress bar on the terminal and a report on standard output. `export --out -`
//! writes the archive itself on standard output and its report on standard error.

use crate::config::Settings;
use crate::maintenance::reindex;
use crate::wiring::{IndexUse, with_app};
use crate::{lang_flag, progress};
use anyhow::{Context, Result, bail};
use arabpress_app::App;
use clap::Subcommand;
use std::path::{Path, PathBuf};

#[derive(Subcommand)]
pub enum ImportWhat {
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

/// `arabpress import …`; `no_reindex` and `no_images` concern WordPress and Ghost imports.
pub async fn import(
    s: &Settings,
    what: ImportWhat,
    no_reindex: bool,
    no_images: bool,
) -> Result<()> {
    let default_lang = s.default_lang.code();
    with_app(s, IndexUse::Open, async |app: &App| {
        let source = match what {
            ImportWhat::Feed {
                url,
                name,
                section,
                lang,
                publish,
                every,
            } => {
                let form = arabpress_app::WireFeedForm {
                    url,
                    name,
                    lang: lang.unwrap_or_else(|| default_lang.to_owned()),
                    section,
                    publish,
                    interval_minutes: every,
                };
                return import_feed(app, &form).await;
            }
            ImportWhat::Arabpress { file } => return restore_archive(app, &file).await,
            ImportWhat::Wxr { file, lang } => import_wxr(app, &file, lang.as_deref()).await?,
            ImportWhat::Ghost { file, lang } => {
                import_ghost(app, &file, lang.as_deref().unwrap_or(default_lang)).await?
            }
        };
        if !no_images {
            fetch_images(app, &source).await?;
        }
        if no_reindex {
            println!("the search index is not updated: run `arabpress reindex` before serving");
        } else {
            reindex(app).await?;
        }
        Ok(())
    })
    .await
}

/// `arabpress export`: to a new file, or with `-` to standard output.
pub async fn export(s: &Settings, out: &Path, with_secrets: bool) -> Result<()> {
    with_app(s, IndexUse::None, async |app: &App| {
        if out == Path::new("-") {
            export_to_stdout(app, with_secrets).await
        } else {
            export_archive(app, out, with_secrets).await
        }
    })
    .await
}

/// `arabpress backup`.
pub async fn backup(s: &Settings, out: &Path) -> Result<()> {
    // The index is not part of a backup and a server may hold it.
    with_app(s, IndexUse::None, async |app: &App| {
        let bar = progress::spinner().with_message("copying the database");
        let b = bar.clone();
        let report = app
            .backup(out, move |n| {
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
        Ok(())
    })
    .await
}

/// `arabpress import wxr`: streams the file with a progress bar, then prints the report.
async fn import_wxr(app: &App, file: &Path, lang: Option<&str>) -> Result<String> {
    let lang = lang.map(lang_flag).transpose()?;
    let f = std::fs::File::open(file).with_context(|| format!("opening {}", file.display()))?;
    let size = f.metadata().map(|m| m.len()).unwrap_or(0);
    let bar = progress::bar(
        size,
        "importing [{bar:40}] {bytes}/{total_bytes} ({bytes_per_sec}, {eta} left)",
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
async fn export_archive(app: &App, out: &Path, with_secrets: bool) -> Result<()> {
    if out.exists() {
        bail!("{} exists: give a new file name", out.display());
    }
    // Written under a temporary name in the same folder and renamed once complete, so a
    // file with the archive's name is always a whole archive, even after a crash.
    let partial = partial_name(out);
    let file = arabpress_store::private::create_private(&partial)
        .with_context(|| format!("creating {}", partial.display()))?;
    let mut w = std::io::BufWriter::with_capacity(1 << 20, file);
    let started = std::time::Instant::now();
    let done = write_archive(app, &mut w, with_secrets).await;
    let finished = done.and_then(|report| {
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
    print!(
        "{}",
        export_report(&out.display().to_string(), started, &report, Some(size))
    );
    Ok(())
}

/// `arabpress export --out -`: the archive on standard output, the report on standard error.
async fn export_to_stdout(app: &App, with_secrets: bool) -> Result<()> {
    use std::io::Write;
    let mut w = std::io::BufWriter::with_capacity(1 << 20, std::io::stdout());
    let started = std::time::Instant::now();
    let report = write_archive(app, &mut w, with_secrets)
        .await
        .and_then(|report| {
            w.flush()?;
            Ok(report)
        })
        .context("writing the archive to standard output")?;
    eprint!(
        "{}",
        export_report("standard output", started, &report, None)
    );
    Ok(())
}

/// Writes the archive to `w` with a spinner naming the table being written.
async fn write_archive(
    app: &App,
    w: &mut impl std::io::Write,
    with_secrets: bool,
) -> Result<arabpress_app::ArchiveReport> {
    let bar = progress::spinner();
    let done = app
        .export_archive(w, with_secrets, |table, n| {
            bar.set_message(format!("{table}: {n}"))
        })
        .await;
    bar.finish_and_clear();
    Ok(done?)
}

/// What an export wrote to `place`: rows, media, size (when known) and each table's rows.
fn export_report(
    place: &str,
    started: std::time::Instant,
    report: &arabpress_app::ArchiveReport,
    size: Option<u64>,
) -> String {
    use std::fmt::Write;
    let mut text = format!(
        "archive written to {place} in {:.1} s: {} rows, {} media files ({} KiB)",
        started.elapsed().as_secs_f64(),
        report.rows(),
        report.media_files,
        report.media_bytes / 1024,
    );
    if let Some(size) = size {
        let _ = write!(text, "; {} KiB in all", size / 1024);
    }
    if report.secrets {
        text.push_str("; it holds password hashes and tokens: keep it safe");
    }
    text.push('\n');
    for (table, n) in &report.tables {
        let _ = writeln!(text, "  {table}: {n}");
    }
    text
}

/// A temporary name beside `out` for a file being written: `.NAME.partial-PID`.
fn partial_name(out: &Path) -> PathBuf {
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    out.with_file_name(format!(".{name}.partial-{}", std::process::id()))
}

/// Makes a rename into `path`'s folder durable (best effort: some file systems refuse).
fn sync_parent(path: &Path) {
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    if let Ok(d) = std::fs::File::open(parent) {
        let _ = d.sync_all();
    }
}

/// `arabpress import arabpress`.
async fn restore_archive(app: &App, file: &Path) -> Result<()> {
    let f = std::fs::File::open(file).with_context(|| format!("opening {}", file.display()))?;
    let reader = std::io::BufReader::with_capacity(1 << 20, f);
    let bar = progress::spinner();
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
async fn import_ghost(app: &App, file: &Path, lang: &str) -> Result<String> {
    let lang = lang_flag(lang)?;
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

/// Fetches the imported articles' featured images from the old site, with a progress bar.
async fn fetch_images(app: &App, source: &str) -> Result<()> {
    let bar = progress::bar(0, "fetching images [{bar:40}] {pos}/{len}");
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

/// Prints a report, or explains why an import stopped.
fn import_outcome(
    done: Result<arabpress_app::ContentReport, arabpress_app::ImportError>,
    file: &Path,
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
