//! Progress bars for long runs, drawn on stderr only when it is a terminal.

use indicatif::{ProgressBar, ProgressStyle};

/// A progress bar with `msg`, hidden when stderr is not a terminal (indicatif checks).
pub fn bar(msg: &'static str, total: u64) -> ProgressBar {
    let pb = ProgressBar::new(total);
    if let Ok(style) = ProgressStyle::with_template("{msg:>12} [{bar:40}] {pos}/{len} ({eta})") {
        pb.set_style(style.progress_chars("=> "));
    }
    pb.set_message(msg);
    pb
}
