//! The progress bars and spinners of the long commands (`import`, `export`, `backup`,
//! `reindex`, `audio build`), in one style. indicatif draws them on standard error and only
//! on a terminal, so they never mix with what a command prints on standard output.

use indicatif::{ProgressBar, ProgressStyle};
use std::time::Duration;

/// A bar of `len` steps drawn with `template` (indicatif's syntax) and `=> ` as its fill.
pub fn bar(len: u64, template: &str) -> ProgressBar {
    let bar = ProgressBar::new(len);
    bar.set_style(
        ProgressStyle::with_template(template)
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    bar
}

/// A spinner for work of unknown length, turning on its own until it is finished.
pub fn spinner() -> ProgressBar {
    let bar = ProgressBar::new_spinner();
    bar.enable_steady_tick(Duration::from_millis(120));
    bar
}
