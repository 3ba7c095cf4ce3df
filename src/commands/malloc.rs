//! The allocator's settings for the run.

/// glibc gives each thread that allocates its own heap (up to 8 per core), and memory freed
/// in one is not reused by another: a 52-revision build, whose revisions are parsed on one
/// thread and derived on others, peaked at 542 MiB resident for 372 MiB in use. Two heaps
/// keep it at 419 MiB for the same speed (issue 18's history bench). Called first, before
/// any other thread exists.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
pub(super) fn limit_arenas() {
    // SAFETY: mallopt only sets a tuning value, before any other thread allocates.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 2);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
pub(super) fn limit_arenas() {}
