//! Tests that need something outside Rust (the speech engine, the vowel-mark model, a
//! PostgreSQL server) run when it is there and say "skipped: …" when it is not, so plain
//! `cargo test` passes on a bare machine; `scripts/test` sets the variables that turn a
//! missing tool into a failure, so there nothing is skipped.
//!
//! The "skipped" lines are written to the process's stderr directly, past the test
//! harness's output capture: a skipped half shows in `cargo test`'s output even though
//! the test counts as passed, and `scripts/test` fails the run when it finds one.

use std::fmt::Display;
use std::io::Write;
use std::path::PathBuf;

/// The variable that makes a missing speech engine or model a failure.
pub const AUDIO_VAR: &str = "ARABPRESS_TEST_AUDIO";

/// The variable naming the vowel-mark model's file.
pub const MODEL_VAR: &str = "ARABPRESS_TEST_TASHKEEL_MODEL";

/// Says on stderr, past the test harness's capture, that `what` was skipped.
pub fn skipped(what: &str) {
    let _ = writeln!(std::io::stderr(), "skipped: {what}");
}

/// What a test needing the speech engine (espeak-ng and LAME) does with `probe`, the
/// answer of looking for it: the engine, or `None` after a "skipped" line when it is
/// missing. With `ARABPRESS_TEST_AUDIO` set a missing engine fails the test.
pub fn speech_engine<T, E: Display>(probe: Result<T, E>) -> Option<T> {
    match probe {
        Ok(found) => Some(found),
        Err(e) if std::env::var_os(AUDIO_VAR).is_none() => {
            skipped(&format!("{e} (scripts/test installs espeak-ng and lame)"));
            None
        }
        Err(e) => panic!("ARABPRESS_TEST_AUDIO is set but {e}"),
    }
}

/// The vowel-mark model's file named by `ARABPRESS_TEST_TASHKEEL_MODEL` (made by
/// `scripts/tashkeel-model.py`, not in the repository), or `None` after a "skipped" line.
/// With `ARABPRESS_TEST_AUDIO` set a missing name fails the test.
pub fn tashkeel_model() -> Option<PathBuf> {
    let Some(path) = std::env::var_os(MODEL_VAR) else {
        assert!(
            std::env::var_os(AUDIO_VAR).is_none(),
            "ARABPRESS_TEST_AUDIO is set but ARABPRESS_TEST_TASHKEEL_MODEL is not"
        );
        skipped("ARABPRESS_TEST_TASHKEEL_MODEL is not set (scripts/test sets it)");
        return None;
    };
    Some(PathBuf::from(path))
}
