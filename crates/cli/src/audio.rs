//! `arabpress audio`: spoken articles made now with a progress bar (`build`), the engine's
//! state (`status`), and two tools to hear and see what the engine reads (`say`, `vowels`).
//! `vowels` prints only the vowelled text on standard output, a line for a line, so it can
//! be piped; the worker that speaks articles in the background is in [`crate::jobs`].

use crate::config::Settings;
use crate::wiring::{IndexUse, with_app};
use crate::{lang_flag, progress};
use anyhow::{Context, Result, bail};
use arabpress_app::App;
use clap::Subcommand;
use std::path::PathBuf;

/// `arabpress audio …`.
#[derive(Debug, Subcommand)]
pub enum AudioAction {
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

/// `arabpress audio …`.
pub async fn run(s: &Settings, action: AudioAction) -> Result<()> {
    match action {
        // These two need no site.
        AudioAction::Vowels { model } => vowels(s, model),
        AudioAction::Say {
            text,
            lang,
            no_vowels,
            out,
        } => audio_say(&s.audio, &text, &lang, no_vowels, &out),
        AudioAction::Status => with_app(s, IndexUse::None, audio_status).await,
        AudioAction::Build {
            all,
            missing: _,
            slug,
            lang,
        } => {
            with_app(s, IndexUse::None, async |app: &App| {
                audio_build(app, all, slug.as_deref(), lang.as_deref()).await
            })
            .await
        }
    }
}

/// `arabpress audio vowels`: standard input to standard output, a line for a line.
fn vowels(s: &Settings, model: Option<PathBuf>) -> Result<()> {
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

fn audio_say(
    settings: &arabpress_app::AudioSettings,
    text: &str,
    lang: &str,
    no_vowels: bool,
    out: &std::path::Path,
) -> Result<()> {
    let lang = lang_flag(lang)?;
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
    let counts = app.audio_counts().await?;
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
                Some(l) => vec![lang_flag(l)?],
                None => vec![arabpress_core::Lang::Ar, arabpress_core::Lang::En],
            };
            let mut found = Vec::new();
            for l in langs {
                if let Some(a) = app.article_by_slug(l, slug).await? {
                    found.push(a.summary.id);
                }
            }
            match found.len() {
                0 => bail!("there is no article {slug:?}"),
                1 => found,
                _ => bail!("both languages have an article {slug:?}: add --lang ar or --lang en"),
            }
        }
        None => app.articles_to_speak(!all).await?,
    };
    let bar = progress::bar(
        ids.len() as u64,
        "speaking [{bar:40}] {pos}/{len} articles ({per_sec}, {eta} left)",
    );
    let started = std::time::Instant::now();
    let (mut made, mut unchanged, mut seconds, mut bytes) = (0u64, 0u64, 0i64, 0i64);
    let mut failed = Vec::new();
    let force = all || slug.is_some();
    for chunk in ids.chunks(8) {
        let done = app.speak(chunk, force, |_| bar.inc(1)).await?;
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
