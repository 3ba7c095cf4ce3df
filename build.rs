//! Gives the binary an identity for build fingerprints (`src/write/fingerprint.rs`): a hash
//! of what decides its output (sources, default theme, locked dependencies), so a rebuilt
//! tool never skips a build as "unchanged", while the same sources hash the same everywhere.

use std::path::{Path, PathBuf};

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            files(&path, out);
        } else {
            out.push(path);
        }
    }
}

fn main() {
    let mut paths = vec![PathBuf::from("Cargo.toml"), PathBuf::from("Cargo.lock")];
    for dir in ["src", "templates"] {
        println!("cargo:rerun-if-changed={dir}");
        files(Path::new(dir), &mut paths);
    }
    println!("cargo:rerun-if-changed=Cargo.lock");
    paths.sort();
    // FNV-1a: stable across Rust releases and machines, unlike the std hasher.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for path in &paths {
        let bytes = std::fs::read(path).unwrap_or_default();
        for byte in path.to_string_lossy().bytes().chain([0]).chain(bytes) {
            hash = (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
        }
    }
    println!("cargo:rustc-env=STATUSPRESS_SOURCE_HASH={hash:016x}");
}
