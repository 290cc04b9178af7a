//! `arabpress newsletter`: importing and exporting subscribers (CSV on standard output,
//! logs on standard error, so `newsletter export > readers.csv` holds only the CSV), sending
//! breaking news, delivering the outbox and showing how the latest sends stand.

use crate::config::Settings;
use crate::wiring::{IndexUse, with_app};
use anyhow::{Context, Result};
use arabpress_app::App;
use clap::Subcommand;
use std::path::PathBuf;

#[derive(Subcommand)]
pub enum NewsletterAction {
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

/// `arabpress newsletter …`.
pub async fn run(s: &Settings, action: NewsletterAction) -> Result<()> {
    with_app(s, IndexUse::None, async |app: &App| {
        newsletter(app, action).await
    })
    .await
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
                if !until_empty || app.outbox_pending().await? == 0 {
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
            println!("{} messages waiting", app.outbox_pending().await?);
            for (send, st) in app.sends_with_stats(20).await? {
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
