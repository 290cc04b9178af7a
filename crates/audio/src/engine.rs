//! The speech engine: espeak-ng reads a script into 16-bit PCM (a WAV stream on its
//! standard output), LAME encodes that to MP3 (mono, 40 kb/s constant bit rate, 22.05 kHz:
//! about 300 KB a minute, playable by every browser, and seekable by byte offset). Both run
//! under `nice -n 19`, so a back-fill takes only the CPU that page serving leaves.

use crate::Script;
use arabpress_core::Lang;
use std::io::{Read, Write};
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::RecvTimeoutError;
use std::time::Duration;

/// MP3 bit rate, kb/s.
pub const BITRATE_KBPS: u32 = 40;

/// Why speech could not be made.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    /// A program is not installed or does not run.
    #[error("{program} is not available: {reason}")]
    Missing {
        /// `espeak-ng` or `lame`.
        program: String,
        /// What running it said.
        reason: String,
    },
    /// A program ran and failed.
    #[error("{program} failed ({status}): {stderr}")]
    Failed {
        /// The program.
        program: String,
        /// Its exit status.
        status: String,
        /// The end of what it wrote on standard error.
        stderr: String,
    },
    /// Reading or writing the programs' pipes failed, or their output made no sense.
    #[error("speech: {0}")]
    Io(String),
}

/// Spoken audio.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Speech {
    /// The MP3 file.
    pub mp3: Vec<u8>,
    /// How long it plays, from the number of samples spoken.
    pub duration_ms: u64,
}

/// The installed engine: the programs it runs and their versions.
#[derive(Debug, Clone)]
pub struct Engine {
    espeak: String,
    lame: String,
    nice: bool,
    /// The vowel-mark model for Arabic words the table lacks, when configured.
    model: Option<std::sync::Arc<crate::model::Model>>,
    /// `espeak-ng --version`, first line.
    pub espeak_version: String,
    /// `lame --version`, first line.
    pub lame_version: String,
}

impl Engine {
    /// Finds the engine: `espeak` and `lame` are program names (looked up in `PATH`) or
    /// paths. An error says which is missing and why.
    pub fn detect(espeak: &str, lame: &str) -> Result<Engine, EngineError> {
        let espeak_version = version(espeak)?;
        let lame_version = version(lame)?;
        let nice = Command::new("nice")
            .args(["-n", "19", "true"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        Ok(Engine {
            espeak: espeak.to_owned(),
            lame: lame.to_owned(),
            nice,
            model: None,
            espeak_version,
            lame_version,
        })
    }

    /// Marks the Arabic words the table lacks with `model` before speech.
    pub fn with_model(mut self, model: crate::model::Model) -> Engine {
        self.model = Some(std::sync::Arc::new(model));
        self
    }

    /// The voice an article is spoken with, as its audio's hash records it: the espeak-ng
    /// voice, and whether the vowel-mark model takes part.
    pub fn voice_of(&self, lang: Lang) -> String {
        match (&self.model, lang) {
            (Some(_), Lang::Ar) => format!("{}+tashkeel-model", Engine::voice(lang)),
            _ => Engine::voice(lang).to_owned(),
        }
    }

    /// The espeak-ng voice for a language.
    pub fn voice(lang: Lang) -> &'static str {
        match lang {
            Lang::Ar => "ar",
            Lang::En => "en-us",
        }
    }

    /// A short description of the engine, for the admin and for a script's hash.
    pub fn describe(&self) -> String {
        let model = if self.model.is_some() {
            "; vowel-mark model"
        } else {
            ""
        };
        format!("{}; {}{model}", self.espeak_version, self.lame_version)
    }

    /// Speaks `script` into MP3, tagged with `title` and `artist` (ID3), stopping the
    /// programs if they have not finished in a minute plus a tenth of a second a word (at
    /// most ten minutes: less than the worker's claim on the article).
    pub fn speak(&self, script: &Script, title: &str, artist: &str) -> Result<Speech, EngineError> {
        let words = u64::try_from(script.words()).unwrap_or(u64::MAX);
        let limit = Duration::from_secs(60)
            .saturating_add(Duration::from_millis(words.saturating_mul(100)))
            .min(Duration::from_secs(600));
        self.speak_within(script, title, artist, limit)
    }

    /// [`Engine::speak`] with a time limit of its own.
    pub fn speak_within(
        &self,
        script: &Script,
        title: &str,
        artist: &str,
        limit: Duration,
    ) -> Result<Speech, EngineError> {
        let marked;
        let text = match (&self.model, script.lang) {
            (Some(model), Lang::Ar) => {
                marked = with_model_at_low_priority(model, &script.text)?;
                marked.as_str()
            }
            _ => script.text.as_str(),
        };
        let mut espeak = self.spawn(
            &self.espeak,
            &[
                "-v",
                Engine::voice(script.lang),
                "-s",
                "160",
                "--stdin",
                "--stdout",
            ],
        )?;
        let bitrate = BITRATE_KBPS.to_string();
        let mut lame = self.spawn(
            &self.lame,
            &[
                "--quiet",
                "-m",
                "m",
                "--cbr",
                "-b",
                &bitrate,
                // LAME's speed setting: 7 encodes in two thirds of the time of its default
                // and nothing audible is lost on speech at this rate.
                "-q",
                "7",
                "--resample",
                "22.05",
                "--tt",
                title,
                "--ta",
                artist,
                "-",
                "-",
            ],
        )?;
        let (Some(mut text_in), Some(mut pcm_out), Some(mut mp3_in), Some(mut mp3_out)) = (
            espeak.stdin.take(),
            espeak.stdout.take(),
            lame.stdin.take(),
            lame.stdout.take(),
        ) else {
            kill(&mut espeak, &mut lame);
            return Err(EngineError::Io("the programs' pipes are missing".into()));
        };
        let (espeak_err, lame_err) = (espeak.stderr.take(), lame.stderr.take());
        let text = text.as_bytes();
        // A hung program is killed when the time is up: its pipes close and everything
        // below returns.
        let children = Mutex::new((espeak, lame));
        let timed_out = AtomicBool::new(false);
        let (finished, watch) = std::sync::mpsc::channel::<()>();
        let outcome = std::thread::scope(|s| {
            let (children, timed_out) = (&children, &timed_out);
            let watchdog = s.spawn(move || {
                if let Err(RecvTimeoutError::Timeout) = watch.recv_timeout(limit) {
                    timed_out.store(true, Ordering::SeqCst);
                    if let Ok(mut c) = children.lock() {
                        let _ = c.0.kill();
                        let _ = c.1.kill();
                    }
                }
            });
            let feeder = s.spawn(move || text_in.write_all(text));
            let copier = s.spawn(move || copy_pcm(&mut pcm_out, &mut mp3_in));
            let errors = s.spawn(move || (tail(espeak_err), tail(lame_err)));
            let mut mp3 = Vec::new();
            let read = mp3_out.read_to_end(&mut mp3);
            let fed = feeder.join();
            let copied = copier.join();
            let errors = errors.join().unwrap_or_default();
            let _ = finished.send(());
            let _ = watchdog.join();
            (read.map(|_| mp3), fed, copied, errors)
        });
        let (mut espeak, mut lame) = children
            .into_inner()
            .map_err(|_| EngineError::Io("the speech watchdog failed".into()))?;
        let espeak_status = espeak.wait().map_err(|e| EngineError::Io(e.to_string()))?;
        let lame_status = lame.wait().map_err(|e| EngineError::Io(e.to_string()))?;
        if timed_out.load(Ordering::SeqCst) {
            return Err(EngineError::Io(format!(
                "the speech programs did not finish within {} s and were stopped",
                limit.as_secs()
            )));
        }
        let (mp3, fed, copied, (espeak_stderr, lame_stderr)) = outcome;
        if !espeak_status.success() {
            return Err(EngineError::Failed {
                program: self.espeak.clone(),
                status: espeak_status.to_string(),
                stderr: espeak_stderr,
            });
        }
        if !lame_status.success() {
            return Err(EngineError::Failed {
                program: self.lame.clone(),
                status: lame_status.to_string(),
                stderr: lame_stderr,
            });
        }
        match fed {
            Ok(Ok(())) => {}
            Ok(Err(e)) => return Err(EngineError::Io(format!("writing the script: {e}"))),
            Err(_) => return Err(EngineError::Io("writing the script stopped".into())),
        }
        let pcm = match copied {
            Ok(r) => r?,
            Err(_) => return Err(EngineError::Io("copying the speech stopped".into())),
        };
        let mp3 = mp3.map_err(|e| EngineError::Io(format!("reading the MP3: {e}")))?;
        if pcm.bytes_per_second == 0 || pcm.data_bytes == 0 || mp3.is_empty() {
            return Err(EngineError::Io(format!(
                "{} produced no speech for {} words",
                self.espeak,
                script.words()
            )));
        }
        Ok(Speech {
            mp3,
            duration_ms: pcm.data_bytes * 1000 / pcm.bytes_per_second,
        })
    }

    fn spawn(&self, program: &str, args: &[&str]) -> Result<Child, EngineError> {
        let mut cmd = if self.nice {
            let mut c = Command::new("nice");
            c.args(["-n", "19", program]);
            c
        } else {
            Command::new(program)
        };
        cmd.args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| EngineError::Missing {
                program: program.to_owned(),
                reason: e.to_string(),
            })
    }
}

/// Runs the vowel-mark model over `text` on a thread of its own at the lowest CPU
/// priority (Linux lets `renice` take a thread id), so that its millions of multiply-adds
/// a letter only use what page serving leaves.
fn with_model_at_low_priority(
    model: &crate::model::Model,
    text: &str,
) -> Result<String, EngineError> {
    std::thread::scope(|s| {
        s.spawn(|| {
            if let Ok(link) = std::fs::read_link("/proc/thread-self")
                && let Some(tid) = link.file_name().and_then(|t| t.to_str())
            {
                let _ = Command::new("renice")
                    .args(["-n", "19", "-p", tid])
                    .stdout(Stdio::null())
                    .stderr(Stdio::null())
                    .status();
            }
            crate::tashkeel::vowel_with_model(text, model)
        })
        .join()
        .map_err(|_| EngineError::Io("the vowel-mark model stopped".into()))
    })
}

fn kill(a: &mut Child, b: &mut Child) {
    for c in [a, b] {
        let _ = c.kill();
        let _ = c.wait();
    }
}

/// The first line `program --version` prints.
fn version(program: &str) -> Result<String, EngineError> {
    let missing = |reason: String| EngineError::Missing {
        program: program.to_owned(),
        reason,
    };
    let out = Command::new(program)
        .arg("--version")
        .stdin(Stdio::null())
        .output()
        .map_err(|e| missing(e.to_string()))?;
    if !out.status.success() {
        return Err(missing(format!(
            "`{program} --version` exited with {}",
            out.status
        )));
    }
    let text = String::from_utf8_lossy(&out.stdout);
    // "eSpeak NG text-to-speech: 1.51  Data at: …", "LAME 64bits version 3.100 (http://…)":
    // the name and version, without the rest.
    let line = text
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or(program)
        .trim();
    let line = line.split("  ").next().unwrap_or(line);
    Ok(line.split(" (").next().unwrap_or(line).to_owned())
}

/// The end of a program's standard error (at most 500 bytes of it).
fn tail(pipe: Option<std::process::ChildStderr>) -> String {
    let mut buf = Vec::new();
    if let Some(mut p) = pipe {
        let _ = p.read_to_end(&mut buf);
    }
    let text = String::from_utf8_lossy(&buf);
    let text = text.trim();
    let start = text
        .char_indices()
        .map(|(i, _)| i)
        .find(|&i| text.len() - i <= 500)
        .unwrap_or(text.len());
    text[start..].to_owned()
}

/// What passed through the pipe from espeak-ng to LAME.
#[derive(Debug, Default)]
struct Pcm {
    data_bytes: u64,
    bytes_per_second: u64,
}

/// Copies the WAV stream, reading its header for the sample format and counting the
/// sample bytes after it.
fn copy_pcm(from: &mut impl Read, to: &mut impl Write) -> Result<Pcm, EngineError> {
    let io = |e: std::io::Error| EngineError::Io(format!("speech pipe: {e}"));
    let mut header = [0u8; 44];
    from.read_exact(&mut header)
        .map_err(|e| EngineError::Io(format!("espeak-ng wrote no WAV header: {e}")))?;
    let pcm = wav_format(&header)?;
    to.write_all(&header).map_err(io)?;
    let mut buf = vec![0u8; 64 * 1024];
    let mut data_bytes = 0u64;
    loop {
        let n = from.read(&mut buf).map_err(io)?;
        if n == 0 {
            break;
        }
        to.write_all(&buf[..n]).map_err(io)?;
        data_bytes += n as u64;
    }
    Ok(Pcm { data_bytes, ..pcm })
}

/// The byte rate of a canonical 44-byte PCM WAV header.
fn wav_format(h: &[u8; 44]) -> Result<Pcm, EngineError> {
    if &h[0..4] != b"RIFF" || &h[8..12] != b"WAVE" || &h[36..40] != b"data" {
        return Err(EngineError::Io(
            "espeak-ng's output is not a PCM WAV stream".into(),
        ));
    }
    let rate = u32::from_le_bytes([h[24], h[25], h[26], h[27]]);
    let byte_rate = u32::from_le_bytes([h[28], h[29], h[30], h[31]]);
    if rate == 0 || byte_rate == 0 {
        return Err(EngineError::Io("espeak-ng's WAV header has no rate".into()));
    }
    Ok(Pcm {
        data_bytes: 0,
        bytes_per_second: u64::from(byte_rate),
    })
}

/// How long a WAV file plays, in milliseconds (for checking decoded audio).
pub fn wav_duration_ms(wav: &[u8]) -> Option<u64> {
    let header: &[u8; 44] = wav.get(..44)?.try_into().ok()?;
    let pcm = wav_format(header).ok()?;
    Some((wav.len() as u64 - 44) * 1000 / pcm.bytes_per_second)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wav_stream_is_counted_as_it_passes() {
        let mut wav = Vec::new();
        wav.extend_from_slice(b"RIFF\xff\xff\xff\x7fWAVEfmt ");
        wav.extend_from_slice(&16u32.to_le_bytes());
        wav.extend_from_slice(&1u16.to_le_bytes());
        wav.extend_from_slice(&1u16.to_le_bytes());
        wav.extend_from_slice(&22050u32.to_le_bytes());
        wav.extend_from_slice(&44100u32.to_le_bytes());
        wav.extend_from_slice(&2u16.to_le_bytes());
        wav.extend_from_slice(&16u16.to_le_bytes());
        wav.extend_from_slice(b"data\xff\xff\xff\x7f");
        wav.extend(std::iter::repeat_n(0u8, 44100 * 3 / 2));
        let mut out = Vec::new();
        let pcm = copy_pcm(&mut wav.as_slice(), &mut out);
        assert!(
            pcm.as_ref()
                .is_ok_and(|p| p.data_bytes * 1000 / p.bytes_per_second == 1500)
        );
        assert_eq!(out, wav);
        assert_eq!(wav_duration_ms(&wav), Some(1500));
        assert!(
            copy_pcm(
                &mut &b"not a wav file at all, but long enough to read"[..],
                &mut Vec::new()
            )
            .is_err()
        );
    }

    #[test]
    fn a_missing_program_is_named() {
        let e = Engine::detect("arabpress-no-such-espeak", "lame");
        assert!(
            matches!(&e, Err(EngineError::Missing { program, .. }) if program == "arabpress-no-such-espeak"),
            "{e:?}"
        );
    }
}
