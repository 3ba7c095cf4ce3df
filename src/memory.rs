//! The allocator's settings and hints for a run (glibc's; nothing elsewhere).
//!
//! glibc gives each thread that allocates its own heap (up to 8 per core), and memory freed
//! in one is not reused by another, nor given back while anything above it is in use: a
//! 52-revision build, whose revisions are read on one thread and derived on others, peaked at
//! 542 MiB resident for 372 MiB in use (issue 18's history bench).

/// Two heaps for the run: 419 MiB instead of 542 for the same build, about as fast. Called
/// first, before any other thread exists.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
pub fn limit_arenas() {
    // SAFETY: mallopt only sets a tuning value, before any other thread allocates.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 2);
    }
}

/// Gives the pages of what was freed back to the system, once a stage that held much is
/// over (a build's history, before its pages are rendered): 25 MiB less at the peak.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
pub fn give_back() {
    // SAFETY: malloc_trim only returns free pages; it is safe at any time.
    unsafe {
        libc::malloc_trim(0);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
pub fn limit_arenas() {}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
pub fn give_back() {}
