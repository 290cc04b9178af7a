//! The real engine (espeak-ng and LAME). `scripts/test` installs both and sets
//! `ARABPRESS_TEST_AUDIO=1`, which makes a missing engine a failure; plain `cargo test`
//! on a machine without them skips these with a message.

// clippy.toml allows these in #[test] functions; this covers the helpers too.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use arabpress_audio::engine::wav_duration_ms;
use arabpress_audio::{Engine, EngineError, Script};
use arabpress_core::Lang;
use std::process::Command;

fn engine() -> Option<Engine> {
    arabpress_testkit::speech_engine(Engine::detect("espeak-ng", "lame"))
}

/// Decodes an MP3 with LAME's decoder and returns its duration.
fn decoded_ms(mp3: &[u8]) -> u64 {
    let dir = tempfile::tempdir().unwrap();
    let (src, wav) = (dir.path().join("a.mp3"), dir.path().join("a.wav"));
    std::fs::write(&src, mp3).unwrap();
    let ok = Command::new("lame")
        .args(["--quiet", "--decode"])
        .arg(&src)
        .arg(&wav)
        .status()
        .is_ok_and(|s| s.success());
    assert!(ok, "lame could not decode the MP3");
    let bytes = std::fs::read(&wav).unwrap();
    wav_duration_ms(&bytes).unwrap_or_else(|| panic!("the decoded file is not a WAV"))
}

#[test]
fn articles_are_spoken_in_their_language_for_as_long_as_their_text_takes() {
    let Some(engine) = engine() else { return };
    let ar = Script::for_article(
        Lang::Ar,
        "أعلنت الحكومة اليوم خطة جديدة لدعم المزارعين",
        "الخطة تشمل تحسين شبكات المياه في المناطق الريفية",
        &"قال وزير الزراعة إن الخطة ستبدأ في الربيع المقبل وتستمر ثلاث سنوات. ".repeat(6),
    );
    let en = Script::for_article(
        Lang::En,
        "The government announced a new plan to support farmers",
        "It includes better water networks in rural areas",
        &"The minister of agriculture said the plan would start next spring and run for three years. ".repeat(6),
    );
    for script in [ar, en] {
        let speech = engine.speak(&script, "headline", "Arab Press").unwrap();
        assert!(
            speech.mp3.starts_with(b"ID3") || speech.mp3[0] == 0xFF,
            "not an MP3"
        );
        // At 160 words a minute, give or take: a plausible length for the words.
        let words = script.words() as u64;
        let expected = words * 60_000 / 160;
        assert!(
            speech.duration_ms > expected / 3 && speech.duration_ms < expected * 3,
            "{words} words in {} ms",
            speech.duration_ms
        );
        // What a decoder makes of the file lasts as long as what was spoken (an MP3
        // decoder adds up to a frame or two of padding at each end).
        let decoded = decoded_ms(&speech.mp3);
        assert!(
            decoded.abs_diff(speech.duration_ms) < 250,
            "spoken {} ms, decoded {decoded} ms",
            speech.duration_ms
        );
        // About 40 kb/s: 300 KB a minute.
        let per_minute = speech.mp3.len() as u64 * 60_000 / speech.duration_ms;
        assert!(
            (250_000..350_000).contains(&per_minute),
            "{per_minute} bytes a minute"
        );
    }
}

#[test]
fn a_failing_engine_says_why() {
    if engine().is_none() {
        return;
    }
    let engine = Engine::detect("espeak-ng", "lame").unwrap();
    // An engine whose speech program exits at once (a broken install).
    let dir = tempfile::tempdir().unwrap();
    let broken = dir.path().join("espeak-ng");
    std::fs::write(&broken, "#!/bin/sh\ncase \"$1\" in --version) echo 'eSpeak NG broken';; *) echo 'voice ar: no such file' >&2; exit 3;; esac\n")
        .unwrap();
    let _ = Command::new("chmod").arg("+x").arg(&broken).status();
    let broken = Engine::detect(&broken.to_string_lossy(), "lame").unwrap();
    let script = Script::for_article(Lang::Ar, "عنوان", "", "نص.");
    let e = broken.speak(&script, "t", "a");
    assert!(
        matches!(&e, Err(EngineError::Failed { stderr, .. }) if stderr.contains("no such file")),
        "{e:?}"
    );
    assert!(engine.speak(&script, "t", "a").is_ok());
}

#[test]
fn a_hung_engine_is_stopped_when_its_time_is_up() {
    if engine().is_none() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let hung = dir.path().join("espeak-ng");
    std::fs::write(
        &hung,
        "#!/bin/sh\ncase \"$1\" in --version) echo 'eSpeak NG hung';; *) exec sleep 60;; esac\n",
    )
    .unwrap();
    let _ = Command::new("chmod").arg("+x").arg(&hung).status();
    let hung = Engine::detect(&hung.to_string_lossy(), "lame").unwrap();
    let script = Script::for_article(Lang::En, "Headline", "", "Body.");
    let started = std::time::Instant::now();
    let e = hung.speak_within(&script, "t", "a", std::time::Duration::from_secs(1));
    assert!(
        matches!(&e, Err(EngineError::Io(why)) if why.contains("did not finish within 1 s")),
        "{e:?}"
    );
    assert!(
        started.elapsed().as_secs() < 10,
        "stopped in {:?}",
        started.elapsed()
    );
}
