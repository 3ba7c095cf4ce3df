//! Progress bars on a terminal: the command line's side of [`Progress`].
//!
//! Bars draw on stderr and only when someone is watching: both stdout and stderr are a
//! terminal, `--quiet` was not given and `CI` is not set. Anything else (pipes, logs, tests)
//! gets no bar characters or escape codes at all.

use std::io::IsTerminal;
use std::sync::Mutex;
use std::time::Duration;

use crate::progress::{Progress, Silent};
use indicatif::{ProgressBar, ProgressStyle};

/// Whether to draw bars; a pure function of what the environment says, so it can be tested.
pub fn show_bars(is_terminal: bool, quiet: bool, ci: bool) -> bool {
    is_terminal && !quiet && !ci
}

/// The sink for this run: bars when [`show_bars`] says so, else nothing.
pub fn sink(quiet: bool) -> Box<dyn Progress> {
    let terminal = std::io::stdout().is_terminal() && std::io::stderr().is_terminal();
    if show_bars(terminal, quiet, std::env::var_os("CI").is_some()) {
        Box::new(Bars { current: Mutex::new(None) })
    } else {
        Box::new(Silent)
    }
}

const SPINNER: &str = "{spinner} {msg} {human_pos} [{elapsed}]";
const BAR: &str = "{msg:>20} [{bar:30}] {human_pos}/{human_len} [{elapsed}]";

/// One indicatif bar at a time, for the current stage; cleared when the stage ends, so
/// the terminal keeps only the run's own messages.
struct Bars {
    current: Mutex<Option<ProgressBar>>,
}

impl Bars {
    fn current(&self) -> std::sync::MutexGuard<'_, Option<ProgressBar>> {
        self.current.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Progress for Bars {
    fn start(&self, stage: &'static str, total: u64) {
        let bar = if total == 0 {
            // Unknown length: a spinner with a count, kept moving while nothing ticks.
            let bar = ProgressBar::new_spinner().with_style(style(SPINNER));
            bar.enable_steady_tick(Duration::from_millis(100));
            bar
        } else {
            ProgressBar::new(total).with_style(style(BAR))
        };
        bar.set_message(stage);
        if let Some(old) = self.current().replace(bar) {
            old.finish_and_clear();
        }
    }

    fn tick(&self, n: u64) {
        if let Some(bar) = self.current().as_ref() {
            bar.inc(n);
        }
    }

    fn finish(&self) {
        if let Some(bar) = self.current().take() {
            bar.finish_and_clear();
        }
    }
}

impl Drop for Bars {
    /// A run that stops early (an error) leaves no half-drawn bar behind.
    fn drop(&mut self) {
        self.finish();
    }
}

fn style(template: &str) -> ProgressStyle {
    // The templates are the constants above (a test parses them); were one bad, the
    // default look would do.
    ProgressStyle::with_template(template).unwrap_or_else(|_| ProgressStyle::default_bar()).progress_chars("=> ")
}

#[cfg(test)]
mod tests {
    use super::{BAR, SPINNER, show_bars};

    #[test]
    fn bars_only_for_a_watched_terminal_outside_ci() {
        assert!(show_bars(true, false, false));
        assert!(!show_bars(false, false, false), "not a terminal");
        assert!(!show_bars(true, true, false), "--quiet");
        assert!(!show_bars(true, false, true), "CI set");
        assert!(!show_bars(false, true, true));
    }

    #[test]
    fn the_bar_templates_parse() {
        for template in [BAR, SPINNER] {
            assert!(indicatif::ProgressStyle::with_template(template).is_ok(), "{template}");
        }
    }
}
