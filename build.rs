//! Gives the binary an identity for build fingerprints (`src/write/fingerprint.rs`): a hash
//! of what decides its output (sources, default theme, locked dependencies), so a rebuilt
//! tool never skips a build as "unchanged", while the same sources hash the same everywhere.
//! Also embeds every kind's partial templates (`templates/kinds/`), so a new kind's
//! partial needs no list of its own (`src/render/templates.rs`).

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
    kind_partials();
}

/// Writes `kind_partials.rs`: `("kinds/blocker.html", include_str!(…)),` for each file of
/// `templates/kinds/`, by name.
fn kind_partials() {
    let mut names: Vec<String> = std::fs::read_dir("templates/kinds")
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".html"))
        .collect();
    names.sort();
    let entries: String = names
        .iter()
        .map(|n| {
            format!("(\"kinds/{n}\", include_str!(concat!(env!(\"CARGO_MANIFEST_DIR\"), \"/templates/kinds/{n}\"))),\n")
        })
        .collect();
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("kind_partials.rs");
    std::fs::write(out, format!("&[\n{entries}]\n")).expect("OUT_DIR is writable");
}
