//! How far long work has got, and how long each stage took.
//!
//! The library never prints: it tells a [`Progress`] sink what it is doing, and the command
//! line decides whether that becomes a bar on a terminal or nothing at all. Timings go into a
//! [`Stopwatch`] that the caller reads afterwards (`--verbose`, benchmarks).

use std::time::{Duration, Instant};

/// Receives the progress of long work. Every method does nothing by default, so a sink only
/// implements what it shows. Ticks come from worker threads, hence `Sync`.
pub trait Progress: Sync {
    /// A stage begins with `total` units of work; 0 when the total is not known up front.
    fn start(&self, _stage: &'static str, _total: u64) {}
    /// `n` more units of the current stage are done.
    fn tick(&self, _n: u64) {}
    /// The current stage is over.
    fn finish(&self) {}
}

/// Shows nothing: for tests, benchmarks and callers that do not care.
pub struct Silent;

impl Progress for Silent {}

/// Measures consecutive stages of a run by wall time.
pub struct Stopwatch {
    last: Instant,
    pub laps: Vec<(&'static str, Duration)>,
}

impl Stopwatch {
    pub fn start() -> Stopwatch {
        Stopwatch { last: Instant::now(), laps: Vec::new() }
    }

    /// Records the time since the previous lap (or the start) as `stage`.
    pub fn lap(&mut self, stage: &'static str) {
        let now = Instant::now();
        self.laps.push((stage, now - self.last));
        self.last = now;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn laps_are_consecutive_and_named_in_order() {
        let mut clock = Stopwatch::start();
        std::thread::sleep(Duration::from_millis(5));
        clock.lap("first");
        clock.lap("second");
        let names: Vec<&str> = clock.laps.iter().map(|(name, _)| *name).collect();
        assert_eq!(names, ["first", "second"]);
        assert!(clock.laps[0].1 >= Duration::from_millis(5));
        assert!(clock.laps[1].1 < clock.laps[0].1);
    }
}
