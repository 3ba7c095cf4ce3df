//! The shape of the code (README, "Development"): each module imports only from the layers below it.
//! This reads every `crate::…` path in `src/` and fails, naming the file, line and import,
//! when a module reaches up (or sideways into another module of its own layer).

use std::path::Path;

/// From the bottom up. Modules in one row may not import each other.
const LAYERS: &[&[&str]] = &[
    &["diagnostics", "progress"],
    &["values"],
    &["config"],
    &["model"],
    &["parse"],
    &["load"],
    &["derive"],
    &["history"],
    &["diff"],
    &["report"],
    &["render"],
    &["write", "serve"],
    &["schema"],
    &["init"],
    &["commands"],
    &["main"],
];

/// The layer of a top-level module; the crate root declares the modules, so it counts as
/// the commands; the binary (`main`) only calls them.
fn layer(module: &str) -> Option<usize> {
    let module = if module == "lib" { "commands" } else { module };
    LAYERS.iter().position(|row| row.contains(&module))
}

/// The top-level module a file under `src/` belongs to.
fn module_of(file: &Path, src: &Path) -> String {
    let rel = file.strip_prefix(src).unwrap();
    let first = rel.components().next().unwrap().as_os_str().to_string_lossy().into_owned();
    first.trim_end_matches(".rs").to_string()
}

/// Every `crate::name` (and, in the binary, `statuspress::name`) on a line, with the name.
fn imports(line: &str) -> Vec<String> {
    let mut found = Vec::new();
    for prefix in ["crate::", "statuspress::"] {
        let mut rest = line;
        while let Some(at) = rest.find(prefix) {
            let preceded_by_ident =
                rest[..at].chars().next_back().is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':');
            rest = &rest[at + prefix.len()..];
            let name: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
            if !preceded_by_ident && !name.is_empty() {
                found.push(name);
            }
        }
    }
    found
}

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The imports of `src/` that break the layering, as `file:line: module → import`.
fn violations(src: &Path) -> Vec<String> {
    let mut files = Vec::new();
    rust_files(src, &mut files);
    files.sort();
    let mut problems = Vec::new();
    for file in files {
        let module = module_of(&file, src);
        let Some(own) = layer(&module) else {
            problems.push(format!("{}: module `{module}` is in no layer: add it to LAYERS", file.display()));
            continue;
        };
        let text = std::fs::read_to_string(&file).unwrap();
        for (n, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            for import in imports(code) {
                if import == module {
                    continue;
                }
                let allowed = match layer(&import) {
                    Some(theirs) => theirs < own,
                    None => continue, // not a module: a macro or an item of lib.rs
                };
                if !allowed {
                    problems.push(format!(
                        "{}:{}: `{module}` (layer {own}) imports `{import}` (layer {:?}), which is not below it: {}",
                        file.display(),
                        n + 1,
                        layer(&import).unwrap(),
                        line.trim()
                    ));
                }
            }
        }
    }
    problems
}

#[test]
fn every_module_imports_only_from_layers_below_it() {
    let problems = violations(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"));
    assert!(problems.is_empty(), "imports against the layers (README, Development):\n{}", problems.join("\n"));
}

#[test]
fn every_top_level_module_has_a_layer() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let lib = std::fs::read_to_string(src.join("lib.rs")).unwrap();
    for line in lib.lines() {
        let Some(name) = line.trim().trim_start_matches("pub ").strip_prefix("mod ") else { continue };
        let name = name.trim_end_matches(';');
        assert!(layer(name).is_some(), "src/lib.rs declares `mod {name}`, which is in no layer of LAYERS");
    }
}

#[test]
fn an_upward_import_is_named_with_its_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("src");
    std::fs::create_dir_all(src.join("model")).unwrap();
    std::fs::write(src.join("model/mod.rs"), "use crate::values::Date;\n\nuse crate::render::markdown;\n").unwrap();
    let problems = violations(&src);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].contains("model/mod.rs:3: `model` (layer 3) imports `render`"), "{}", problems[0]);
}
