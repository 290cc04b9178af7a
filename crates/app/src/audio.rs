//! Spoken articles: the worker speaks every published article whose text changed (claimed,
//! so one node speaks each), stores the MP3 with the media, and only then points the
//! article at it and removes the file it replaces. A failure is recorded with its reason
//! and tried again later; the article reads as before.

use crate::{App, AppError};
use arabpress_audio::{Engine, Script};
use arabpress_core::model::SpokenAudio;
use arabpress_store::{AudioCounts, AudioState, SPEAK};
use jiff::SignedDuration;
use sha2::{Digest, Sha256};

/// How the engine is found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AudioSettings {
    /// Whether to speak articles at all.
    pub enabled: bool,
    /// The espeak-ng program (a name in `PATH`, or a path).
    pub espeak: String,
    /// The LAME program.
    pub lame: String,
    /// The vowel-mark model for Arabic words the table lacks (`scripts/tashkeel-model.py`);
    /// without it those words are spoken as written.
    pub tashkeel_model: Option<std::path::PathBuf>,
}

impl Default for AudioSettings {
    fn default() -> AudioSettings {
        AudioSettings {
            enabled: true,
            espeak: "espeak-ng".into(),
            lame: "lame".into(),
            tashkeel_model: None,
        }
    }
}

/// Whether this node makes audio, and if not, why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AudioStatus {
    /// It does, with this engine.
    On(String),
    /// It does not.
    Off(String),
}

/// What became of one article.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AudioOutcome {
    /// New audio, this long and this big.
    Made {
        /// The article.
        id: i64,
        /// Its audio.
        audio: SpokenAudio,
        /// Words spoken.
        words: usize,
    },
    /// What is spoken did not change; the audio stays.
    Unchanged(i64),
    /// The article is no longer published.
    NotPublished(i64),
    /// Speaking failed, for this reason.
    Failed(i64, String),
}

impl AudioOutcome {
    /// The article it is about.
    pub fn id(&self) -> i64 {
        match self {
            AudioOutcome::Made { id, .. }
            | AudioOutcome::Unchanged(id)
            | AudioOutcome::NotPublished(id)
            | AudioOutcome::Failed(id, _) => *id,
        }
    }
}

/// How long a claim lasts: longer than the longest article takes to speak.
const CLAIM: SignedDuration = SignedDuration::from_mins(15);

impl App {
    /// How many published articles have audio, failed, or wait (`arabpress audio status`).
    pub async fn audio_counts(&self) -> Result<AudioCounts, AppError> {
        Ok(self.store().audio_counts().await?)
    }

    /// The state of an article's audio, `None` when it has never been asked for.
    pub async fn audio_state(&self, article_id: i64) -> Result<Option<AudioState>, AppError> {
        Ok(self.store().audio_state(article_id).await?)
    }

    /// The ids of the published articles to speak: those without audio, or all of them.
    pub async fn articles_to_speak(&self, only_missing: bool) -> Result<Vec<i64>, AppError> {
        Ok(self.store().articles_to_speak(only_missing).await?)
    }

    fn engine(&self) -> Result<&Engine, String> {
        self.inner
            .engine
            .get_or_init(|| {
                let s = &self.inner.audio;
                if !s.enabled {
                    return Err("turned off in the configuration ([audio] enabled = false)".into());
                }
                let engine = Engine::detect(&s.espeak, &s.lame).map_err(|e| e.to_string())?;
                match &s.tashkeel_model {
                    Some(path) => arabpress_audio::model::Model::load(path)
                        .map(|m| engine.with_model(m))
                        .map_err(|e| e.to_string()),
                    None => Ok(engine),
                }
            })
            .as_ref()
            .map_err(Clone::clone)
    }

    /// Whether articles are spoken here.
    pub fn audio_status(&self) -> AudioStatus {
        match self.engine() {
            Ok(e) => AudioStatus::On(e.describe()),
            Err(reason) => AudioStatus::Off(reason),
        }
    }

    /// Speaks up to `limit` articles whose `speak` job is due: published or edited since
    /// they were last spoken, asked for again, or failed and due a retry. The worker calls
    /// this; it does nothing when the engine is off (the jobs wait for it). A job whose
    /// article is being spoken elsewhere (the `audio` command) waits a minute.
    pub async fn speak_due(&self, limit: i64) -> Result<Vec<AudioOutcome>, AppError> {
        if self.engine().is_err() {
            return Ok(Vec::new());
        }
        let store = self.store();
        let claim = crate::random_hex(16)?;
        let now = self.now();
        let jobs = store
            .claim_jobs(SPEAK, &claim, now, now + CLAIM, limit)
            .await?;
        let mut outcomes = Vec::with_capacity(jobs.len());
        for job in &jobs {
            // Each job on its own: one that cannot be spoken (even with an error of the
            // engine or the store) is retried later and never holds up the others.
            match self.speak(&[job.subject], false, |_| {}).await {
                Ok(done) => match done.into_iter().next() {
                    Some(o) => {
                        if let AudioOutcome::Failed(_, why) = &o {
                            let retry = self.now() + retry_after(job.attempts);
                            store.retry_job(job, &claim, why, retry).await?;
                        } else {
                            store.finish_job(job, &claim).await?;
                        }
                        outcomes.push(o);
                    }
                    None => {
                        let later = self.now() + SignedDuration::from_mins(1);
                        store.release_job(job, &claim, Some(later)).await?;
                    }
                },
                Err(e) => {
                    tracing::warn!(article = job.subject, error = %e, "speaking the article failed");
                    let retry = self.now() + retry_after(job.attempts);
                    store.retry_job(job, &claim, &e.to_string(), retry).await?;
                }
            }
        }
        Ok(outcomes)
    }

    /// Speaks the articles `ids`, calling `each` after each one; an article being spoken
    /// elsewhere is left out. `force` speaks them again even when their text has not
    /// changed.
    pub async fn speak(
        &self,
        ids: &[i64],
        force: bool,
        mut each: impl FnMut(&AudioOutcome),
    ) -> Result<Vec<AudioOutcome>, AppError> {
        let claim = crate::random_hex(16)?;
        let now = self.now();
        let claimed = self
            .store()
            .claim_audio(ids, &claim, now, now + CLAIM)
            .await?;
        let mut out = Vec::with_capacity(claimed.len());
        for (id, version) in claimed {
            let outcome = self.speak_one(id, version, &claim, force).await?;
            each(&outcome);
            out.push(outcome);
        }
        Ok(out)
    }

    async fn speak_one(
        &self,
        id: i64,
        version: i64,
        claim: &str,
        force: bool,
    ) -> Result<AudioOutcome, AppError> {
        let store = self.store();
        let article = store.article_by_id(id).await?;
        let Some(a) = article.filter(|a| a.status == arabpress_core::ArticleStatus::Published)
        else {
            store.audio_unchanged(id, claim, version).await?;
            return Ok(AudioOutcome::NotPublished(id));
        };
        let lang = a.summary.lang;
        let script =
            Script::for_article(lang, &a.summary.headline, &a.summary.standfirst, &a.body_md);
        let voice = match self.engine() {
            Ok(e) => e.voice_of(lang),
            Err(_) => Engine::voice(lang).to_owned(),
        };
        let hash = script.hash(&voice);
        let state = store.audio_state(id).await?;
        if !force
            && let Some(s) = &state
            && s.audio.is_some()
            && s.script_hash.as_deref() == Some(hash.as_str())
        {
            store.audio_unchanged(id, claim, version).await?;
            return Ok(AudioOutcome::Unchanged(id));
        }
        let failures = state.as_ref().map_or(0, |s| s.failures);
        let engine = match self.engine() {
            Ok(e) => e.clone(),
            Err(reason) => return self.audio_failed(id, claim, failures, reason).await,
        };
        let byline = a
            .authors
            .iter()
            .map(|x| match lang {
                arabpress_core::Lang::Ar => x.name_ar.clone(),
                arabpress_core::Lang::En => x.name_en.clone(),
            })
            .collect::<Vec<_>>()
            .join(", ");
        let title = a.summary.headline.clone();
        let words = script.words();
        let spoken = tokio::task::spawn_blocking(move || engine.speak(&script, &title, &byline))
            .await
            .map_err(|e| AppError::internal("speech task", e))?;
        let speech = match spoken {
            Ok(s) => s,
            Err(e) => return self.audio_failed(id, claim, failures, e.to_string()).await,
        };
        let sha = hex::encode(Sha256::digest(&speech.mp3));
        let audio = SpokenAudio {
            sha: sha.clone(),
            bytes: i64::try_from(speech.mp3.len()).unwrap_or(i64::MAX),
            duration_ms: i64::try_from(speech.duration_ms).unwrap_or(i64::MAX),
        };
        if let Err(e) = self
            .put_media(&sha, vec![(AUDIO_FILE.to_owned(), speech.mp3)])
            .await
        {
            return self
                .audio_failed(id, claim, failures, format!("storing the audio: {e}"))
                .await;
        }
        let (recorded, replaced) = store
            .record_audio(id, claim, &audio, &hash, version, self.now())
            .await?;
        if !recorded {
            // Another node took the article over (our claim ran out): its file stands.
            self.drop_audio_file(&sha).await;
            return Ok(AudioOutcome::Unchanged(id));
        }
        if let Some(old) = replaced {
            self.drop_audio_file(&old).await;
        }
        if let Some(a) = store.article_by_id(id).await? {
            self.invalidate(None, Some(&a));
        }
        tracing::info!(
            article = id,
            ms = audio.duration_ms,
            bytes = audio.bytes,
            "article spoken"
        );
        Ok(AudioOutcome::Made { id, audio, words })
    }

    async fn audio_failed(
        &self,
        id: i64,
        claim: &str,
        failures: i64,
        reason: String,
    ) -> Result<AudioOutcome, AppError> {
        let retry = self.now() + retry_after(failures);
        self.store().audio_failed(id, claim, &reason, retry).await?;
        tracing::warn!(article = id, error = %reason, "speaking the article failed");
        Ok(AudioOutcome::Failed(id, reason))
    }

    /// Removes an audio file no article uses any more (a failure is only logged: an
    /// orphan file wastes space, nothing more).
    async fn drop_audio_file(&self, sha: &str) {
        match self.store().audio_in_use(sha).await {
            Ok(false) => {
                let name = crate::objects::object_path(sha, AUDIO_FILE).to_string();
                if let Err(e) = self.delete_object(&name).await {
                    tracing::warn!(error = %e, sha, "removing replaced audio");
                }
            }
            Ok(true) => {}
            Err(e) => tracing::warn!(error = %e, sha, "checking replaced audio"),
        }
    }
}

/// How long an article waits to be tried again after `failures` failures in a row before
/// this one: 5 minutes, doubling with each, at most a day.
fn retry_after(failures: i64) -> SignedDuration {
    let wait = 5 * 60 * 2i64.saturating_pow(u32::try_from(failures.clamp(0, 9)).unwrap_or(9));
    SignedDuration::from_secs(wait.min(86_400))
}

/// The file name of an article's audio in the media store.
pub const AUDIO_FILE: &str = "spoken.mp3";
