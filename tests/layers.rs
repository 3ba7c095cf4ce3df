//! The shape of the code (SPEC §10, README "Development"): each module imports only from the
//! layers below it. This parses every file of `src/` with `syn`, so comments and string literals
//! are never read as code, and fails naming the file, line, column and path when a module names
//! a module above it (or beside it, in its own layer).
//!
//! What it sees, in every file (tests included):
//! - `use` trees, whole: `use crate::{a, b::c}`, nested groups, `as` renames, globs;
//!   `use crate::*` and `use crate as c` (which would hide what follows) count as naming the root;
//! - every path the syntax tree holds: expressions, types, patterns, trait bounds, `impl` headers,
//!   macro names, `pub(in …)`;
//! - paths inside macro invocations and `macro_rules!` bodies (`format!`, `assert!`, `vec!`, …),
//!   read as tokens: any `crate::a`, `$crate::a`, `super::…` run of identifiers and `::`;
//! - inside attribute lists, identifier paths (`#[derive(crate::X)]`) and string literals that
//!   are whole paths, as serde's `with = "crate::a::b"` is resolved as code;
//! - `super::` counted against the file's place (`src/derive/x.rs` is `derive::x`, inline
//!   `mod m { … }` adds a level), so `super::super::render` out of `derive::x` names `render`;
//! - in the crate root, relative paths that start with a declared module (`render::x`);
//! - in the binary (`src/main.rs`), `statuspress::a`.
//!
//! What it does not see: strings outside attributes (`format!("crate::x")` is text, as the
//! compiler reads it), code a macro generates from pieces (`concat_idents!`, a path assembled
//! from `$` fragments), and names a module reaches through another module's `pub use`: those are
//! charged to the module that re-exports them, which must itself sit above what it re-exports.

use std::path::{Path, PathBuf};

use proc_macro2::{Delimiter, Span, TokenStream, TokenTree};
use syn::visit::{self, Visit};

/// From the bottom up. Modules in one row may not import each other.
const LAYERS: &[&[&str]] = &[
    &["diagnostics", "progress", "memory"],
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
    &["project"],
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

/// What a path names once `crate`, `super` and `self` are resolved.
#[derive(Debug, PartialEq)]
enum Target {
    /// A top-level module (`crate::render`), or an item of the crate root (`crate::Thing`),
    /// which belongs to `lib`.
    Module(String),
    /// The crate root itself, not followed by a name: only a problem in `use` (`use crate::*`).
    Root,
}

/// A path in a file that names a top-level module, as written.
struct Import {
    line: usize,
    column: usize,
    target: Target,
    text: String,
}

/// The module path of a file under `src/`: `derive/x.rs` → `derive::x`, `derive/mod.rs` →
/// `derive`, `lib.rs` and `main.rs` → the root of their crate.
fn module_path(rel: &Path) -> Vec<String> {
    let mut parts: Vec<String> = rel.iter().map(|p| p.to_string_lossy().trim_end_matches(".rs").to_string()).collect();
    if matches!(parts.last().map(String::as_str), Some("mod" | "lib" | "main")) {
        parts.pop();
    }
    parts
}

/// The modules `src/lib.rs` declares.
fn declared_modules(src: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(src.join("lib.rs")).expect("src/lib.rs");
    let file = syn::parse_file(&text).expect("src/lib.rs parses");
    file.items
        .iter()
        .filter_map(|item| match item {
            syn::Item::Mod(m) => Some(m.ident.to_string()),
            _ => None,
        })
        .collect()
}

/// Walks one file's syntax tree and collects every path that leaves the file's top-level module.
struct Imports<'a> {
    /// Where the walk is: the file's module path plus inline `mod`s around the current item.
    at: Vec<String>,
    /// The binary crate (`main.rs`): its `crate` is not the library, `statuspress` is.
    binary: bool,
    modules: &'a [String],
    found: Vec<Import>,
}

const KEYWORDS: &[&str] = &["crate", "$crate", "super", "self", "statuspress"];

impl Imports<'_> {
    /// What `segments` (a path as written, from its first segment) names outside the current
    /// top-level module, if anything.
    fn resolve(&self, segments: &[String]) -> Option<Target> {
        let (first, rest) = segments.split_first()?;
        let mut base = self.at.clone();
        let mut rest = rest;
        match first.as_str() {
            "statuspress" if self.binary => base.clear(),
            _ if self.binary => return None,
            "crate" | "$crate" => base.clear(),
            "self" | "super" => {
                rest = segments;
                while let Some((head, tail)) = rest.split_first() {
                    match head.as_str() {
                        "self" => {}
                        "super" => {
                            base.pop()?; // beyond the root: the compiler rejects it
                        }
                        _ => break,
                    }
                    rest = tail;
                }
            }
            // In the crate root, `render::x` names the module `render`.
            name if base.is_empty() && !rest.is_empty() && self.modules.iter().any(|m| m == name) => {
                rest = segments;
            }
            _ => return None,
        }
        if !base.is_empty() {
            return None; // still inside a top-level module: the file's own
        }
        Some(match rest.first() {
            Some(name) => Target::Module(name.clone()),
            None => Target::Root,
        })
    }

    /// Records `segments` if it names something outside the current top-level module; `Root`
    /// only when `root_counts` (a `use` that ends at the root).
    fn check(&mut self, segments: &[String], span: Span, root_counts: bool) {
        match self.resolve(segments) {
            Some(Target::Root) if !root_counts => {}
            Some(target) => {
                let start = span.start();
                self.found.push(Import {
                    line: start.line,
                    column: start.column + 1,
                    target,
                    text: segments.join("::"),
                })
            }
            None => {}
        }
    }

    /// A `use` tree below `prefix`: checked at the first segment that is a name (not `crate`,
    /// `super`, `self`), at leaves, and never below what was checked.
    fn use_tree(&mut self, tree: &syn::UseTree, prefix: &mut Vec<String>) {
        match tree {
            syn::UseTree::Path(p) => {
                let name = p.ident.to_string();
                prefix.push(name.clone());
                if KEYWORDS.contains(&name.as_str()) {
                    self.use_tree(&p.tree, prefix);
                } else {
                    self.check(prefix, p.ident.span(), true);
                }
                prefix.pop();
            }
            syn::UseTree::Name(n) => self.use_leaf(prefix, &n.ident),
            syn::UseTree::Rename(r) => self.use_leaf(prefix, &r.ident),
            syn::UseTree::Glob(g) => self.check(prefix, g.star_token.span, true),
            syn::UseTree::Group(g) => {
                for item in &g.items {
                    self.use_tree(item, prefix);
                }
            }
        }
    }

    /// `use a::b::name` (or `… as x`): `self` stands for the prefix itself.
    fn use_leaf(&mut self, prefix: &mut Vec<String>, ident: &syn::Ident) {
        let name = ident.to_string();
        if name == "self" {
            self.check(prefix, ident.span(), true);
        } else {
            prefix.push(name);
            self.check(prefix, ident.span(), true);
            prefix.pop();
        }
    }

    /// Paths in raw tokens (macro bodies, attribute arguments): every run `a::b::c`, optionally
    /// `$crate::…`; in attributes, also string literals that parse as a whole path.
    fn tokens(&mut self, tokens: TokenStream, in_attribute: bool) {
        let tokens: Vec<TokenTree> = tokens.into_iter().collect();
        let mut i = 0;
        while i < tokens.len() {
            match &tokens[i] {
                TokenTree::Group(g) => self.tokens(g.stream(), in_attribute || g.delimiter() == Delimiter::Bracket),
                TokenTree::Literal(lit) if in_attribute => self.string_path(lit),
                TokenTree::Ident(_) if !after_path_separator(&tokens, i) => {
                    let (segments, end) = path_run(&tokens, i);
                    self.check(&segments, tokens[i].span(), false);
                    i = end;
                    continue;
                }
                _ => {}
            }
            i += 1;
        }
    }

    /// `with = "crate::a::f"` in an attribute: derive macros resolve such strings as paths.
    fn string_path(&mut self, lit: &proc_macro2::Literal) {
        let Ok(text) = syn::parse2::<syn::LitStr>(TokenTree::Literal(lit.clone()).into()) else { return };
        let Ok(path) = syn::parse_str::<syn::Path>(&text.value()) else { return };
        if path.leading_colon.is_none() {
            self.check(&segments(&path), lit.span(), false);
        }
    }
}

/// Whether the identifier at `i` continues a path (`a::b` at `b`), so it was seen with `a`.
fn after_path_separator(tokens: &[TokenTree], i: usize) -> bool {
    i >= 2 && is_punct(&tokens[i - 1], ':') && is_punct(&tokens[i - 2], ':')
}

fn is_punct(token: &TokenTree, c: char) -> bool {
    matches!(token, TokenTree::Punct(p) if p.as_char() == c)
}

/// The identifiers of the run `a::b::c` starting at `start` (`$crate` when a `$` precedes
/// `crate`), and the index after it.
fn path_run(tokens: &[TokenTree], start: usize) -> (Vec<String>, usize) {
    let dollar = start >= 1 && is_punct(&tokens[start - 1], '$');
    let mut segments = Vec::new();
    let mut i = start;
    while let Some(TokenTree::Ident(ident)) = tokens.get(i) {
        let name = ident.to_string();
        segments.push(if dollar && segments.is_empty() && name == "crate" { "$crate".into() } else { name });
        let separated =
            tokens.get(i + 1).is_some_and(|t| is_punct(t, ':')) && tokens.get(i + 2).is_some_and(|t| is_punct(t, ':'));
        if !separated {
            return (segments, i + 1);
        }
        i += 3;
    }
    (segments, i)
}

fn segments(path: &syn::Path) -> Vec<String> {
    path.segments.iter().map(|s| s.ident.to_string()).collect()
}

impl<'ast> Visit<'ast> for Imports<'_> {
    fn visit_item_use(&mut self, item: &'ast syn::ItemUse) {
        for attr in &item.attrs {
            self.visit_attribute(attr);
        }
        if item.leading_colon.is_none() {
            self.use_tree(&item.tree, &mut Vec::new());
        }
    }

    fn visit_path(&mut self, path: &'ast syn::Path) {
        if path.leading_colon.is_none()
            && let Some(first) = path.segments.first()
        {
            self.check(&segments(path), first.ident.span(), false);
        }
        visit::visit_path(self, path); // generic arguments hold paths too
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        visit::visit_macro(self, mac);
        self.tokens(mac.tokens.clone(), false);
    }

    fn visit_meta_list(&mut self, list: &'ast syn::MetaList) {
        visit::visit_meta_list(self, list);
        self.tokens(list.tokens.clone(), true);
    }

    fn visit_item_mod(&mut self, item: &'ast syn::ItemMod) {
        self.at.push(item.ident.to_string());
        visit::visit_item_mod(self, item);
        self.at.pop();
    }
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Every file of `src/`, sorted, with its text and parsed syntax tree (or the parse error as
/// `file:line:column: message`).
fn parsed_files(src: &Path) -> Vec<(PathBuf, Result<syn::File, String>)> {
    let mut files = Vec::new();
    rust_files(src, &mut files);
    files.sort();
    files
        .into_iter()
        .map(|file| {
            let text = std::fs::read_to_string(&file).unwrap();
            let parsed = syn::parse_file(&text).map_err(|e| {
                let at = e.span().start();
                format!("{}:{}:{}: does not parse: {e}", file.display(), at.line, at.column + 1)
            });
            (file, parsed)
        })
        .collect()
}

/// The imports of `src/` that break the layering, as
/// `file:line:column: `module` (layer n) names `target` (layer m), …: path`.
fn violations(src: &Path) -> Vec<String> {
    let modules = declared_modules(src);
    let mut problems = Vec::new();
    for (file, parsed) in parsed_files(src) {
        let rel = file.strip_prefix(src).unwrap();
        let at = module_path(rel);
        let binary = rel == Path::new("main.rs");
        let module = at.first().cloned().unwrap_or_else(|| if binary { "main" } else { "lib" }.to_string());
        let Some(own) = layer(&module) else {
            problems.push(format!("{}: module `{module}` is in no layer: add it to LAYERS", file.display()));
            continue;
        };
        let syntax = match parsed {
            Ok(syntax) => syntax,
            Err(problem) => {
                problems.push(problem);
                continue;
            }
        };
        let mut imports = Imports { at, binary, modules: &modules, found: Vec::new() };
        imports.visit_file(&syntax);
        for import in imports.found {
            let where_ = format!("{}:{}:{}", file.display(), import.line, import.column);
            match import.target {
                Target::Root => problems.push(format!(
                    "{where_}: `{module}` names the crate root as a whole (a glob or a rename), which hides \
                     what it reaches: `{}`",
                    import.text
                )),
                Target::Module(target) if target != module => {
                    let theirs = if modules.contains(&target) { layer(&target) } else { layer("lib") };
                    if theirs.is_none_or(|theirs| theirs >= own) {
                        problems.push(format!(
                            "{where_}: `{module}` (layer {own}) names `{target}` (layer {}), which is not below \
                             it: `{}`",
                            theirs.map_or("none".to_string(), |t| t.to_string()),
                            import.text
                        ));
                    }
                }
                Target::Module(_) => {}
            }
        }
    }
    problems
}

fn real_src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

#[test]
fn every_module_imports_only_from_layers_below_it() {
    let problems = violations(&real_src());
    assert!(problems.is_empty(), "imports against the layers (SPEC §10):\n{}", problems.join("\n"));
}

#[test]
fn every_top_level_module_has_a_layer() {
    for name in declared_modules(&real_src()) {
        assert!(layer(&name).is_some(), "src/lib.rs declares `mod {name}`, which is in no layer of LAYERS");
    }
}

/// Copies the directory `from` into `to`, recursively.
fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_tree(&path, &target);
        } else {
            std::fs::copy(&path, &target).unwrap();
        }
    }
}

/// Appends `code` to `src/<file>` in the copy and returns the 1-based line it starts on.
fn append(src: &Path, file: &str, code: &str) -> usize {
    let path = src.join(file);
    let mut text = std::fs::read_to_string(&path).unwrap();
    if !text.ends_with('\n') {
        text.push('\n');
    }
    let line = text.lines().count() + 1;
    text.push_str(code);
    std::fs::write(&path, text).unwrap();
    line
}

#[test]
fn upward_imports_injected_into_a_copy_of_src_are_each_named_with_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("src");
    copy_tree(&real_src(), &src);
    // (file, code appended, line of the import within the code, the path the report must show)
    let injected = [
        // A grouped import over several lines: only the upward name, at its own line.
        ("values/mod.rs", "use crate::{\n    diagnostics::Diagnostic,\n    render,\n};\n", 2, "`crate::render`"),
        // A nested group with a rename, on one line.
        ("model/fields.rs", "use crate::{values::Date, report::{self as r}};\n", 0, "`crate::report`"),
        // A path in an expression.
        ("parse/mod.rs", "fn _probe() {\n    let _ = crate::commands::X;\n}\n", 1, "`crate::commands::X`"),
        // `super::super` climbing out of `derive::portfolio` to the root, then into `render`.
        (
            "derive/portfolio.rs",
            "fn _climb() -> super::super::render::Y {\n    todo!()\n}\n",
            0,
            "`super::super::render::Y`",
        ),
        // A type path in a struct field, inside generic arguments.
        (
            "config.rs",
            "struct _Holder {\n    _field: Vec<crate::history::Snapshot>,\n}\n",
            1,
            "`crate::history::Snapshot`",
        ),
        // A macro body, read as tokens.
        ("load.rs", "fn _say() -> String {\n    format!(\"{}\", crate::write::NAME)\n}\n", 1, "`crate::write::NAME`"),
        // Sideways, within one layer.
        ("write/mod.rs", "use crate::serve as _;\n", 0, "`crate::serve`"),
        // A glob of the root hides everything behind it.
        ("diagnostics/mod.rs", "#[allow(unused_imports)]\nuse crate::*;\n", 1, "`crate`"),
    ];
    let expected: Vec<(String, &str)> = injected
        .iter()
        .map(|(file, code, offset, path)| {
            let line = append(&src, file, code) + offset;
            (format!("{}:{line}:", src.join(file).display()), *path)
        })
        .collect();
    // Not reported: the binary naming the library (`main` is the top layer), comments, strings.
    append(&src, "main.rs", "use statuspress::{values as _};\n");
    append(
        &src,
        "model/mod.rs",
        "// use crate::render;\n/* crate::commands::X */\nconst _S: &str = \"crate::serve\";\n",
    );

    let problems = violations(&src);
    for (at, path) in &expected {
        assert!(
            problems.iter().any(|p| p.starts_with(at.as_str()) && p.ends_with(path)),
            "no report at {at} for {path} in:\n{}",
            problems.join("\n")
        );
    }
    assert_eq!(problems.len(), expected.len(), "one report per injected import:\n{}", problems.join("\n"));
}

#[test]
fn a_report_names_the_modules_their_layers_and_the_path() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("src");
    std::fs::create_dir_all(src.join("model")).unwrap();
    std::fs::write(src.join("lib.rs"), "mod model;\nmod render;\nmod values;\n").unwrap();
    std::fs::write(src.join("model/mod.rs"), "use crate::values::Date;\n\nuse crate::render::markdown;\n").unwrap();
    let problems = violations(&src);
    assert_eq!(problems.len(), 1, "{problems:?}");
    let expected = format!(
        "{}:3:12: `model` (layer 3) names `render` (layer 10), which is not below it: `crate::render`",
        src.join("model/mod.rs").display()
    );
    assert_eq!(problems[0], expected);
}

/// The longest function the code may hold outside tests, in lines from `fn` to its closing brace.
const MAX_FUNCTION_LINES: usize = 100;
/// The longest command file: commands parse options, call the library and print.
const MAX_COMMAND_FILE_LINES: usize = 200;

/// Collects the functions longer than [`MAX_FUNCTION_LINES`], skipping `#[cfg(test)]` modules
/// and `#[test]` functions.
struct LongFunctions {
    found: Vec<(usize, String, usize)>,
}

fn is_test(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| {
        a.path().is_ident("test")
            || (a.path().is_ident("cfg") && a.meta.require_list().is_ok_and(|l| l.tokens.to_string() == "test"))
    })
}

impl LongFunctions {
    fn measure(&mut self, attrs: &[syn::Attribute], sig: &syn::Signature, body: &syn::Block) {
        let first = sig.fn_token.span.start().line;
        let lines = body.brace_token.span.close().end().line + 1 - first;
        if lines > MAX_FUNCTION_LINES && !is_test(attrs) {
            self.found.push((first, sig.ident.to_string(), lines));
        }
    }
}

impl<'ast> Visit<'ast> for LongFunctions {
    fn visit_item_mod(&mut self, item: &'ast syn::ItemMod) {
        if !is_test(&item.attrs) {
            visit::visit_item_mod(self, item);
        }
    }

    fn visit_item_fn(&mut self, item: &'ast syn::ItemFn) {
        self.measure(&item.attrs, &item.sig, &item.block);
        visit::visit_item_fn(self, item);
    }

    fn visit_impl_item_fn(&mut self, item: &'ast syn::ImplItemFn) {
        self.measure(&item.attrs, &item.sig, &item.block);
        visit::visit_impl_item_fn(self, item);
    }

    fn visit_trait_item_fn(&mut self, item: &'ast syn::TraitItemFn) {
        if let Some(body) = &item.default {
            self.measure(&item.attrs, &item.sig, body);
        }
        visit::visit_trait_item_fn(self, item);
    }
}

/// What breaks the size rules of the issue "One Project driver…": functions over
/// [`MAX_FUNCTION_LINES`] outside tests, command files over [`MAX_COMMAND_FILE_LINES`], and a
/// crate root or binary that holds more than module declarations and a call.
fn size_violations(src: &Path) -> Vec<String> {
    let mut problems = Vec::new();
    for (file, parsed) in parsed_files(src) {
        let rel = file.strip_prefix(src).unwrap();
        let Ok(syntax) = parsed else { continue }; // reported by the layering test
        let lines = std::fs::read_to_string(&file).unwrap().lines().count();
        if rel.starts_with("commands") && lines > MAX_COMMAND_FILE_LINES {
            problems.push(format!("{}: {lines} lines, over {MAX_COMMAND_FILE_LINES} for a command", file.display()));
        }
        if rel == Path::new("lib.rs")
            && syntax.items.iter().any(|i| !matches!(i, syn::Item::Mod(_) | syn::Item::Use(_)))
        {
            problems.push(format!("{}: holds more than `mod` and `use` items", file.display()));
        }
        if rel == Path::new("main.rs") && syntax.items.len() > 1 {
            problems.push(format!("{}: holds more than `fn main`", file.display()));
        }
        if rel.file_name().is_some_and(|n| n.to_string_lossy().ends_with("tests.rs")) {
            continue;
        }
        let mut long = LongFunctions { found: Vec::new() };
        long.visit_file(&syntax);
        for (line, name, lines) in long.found {
            problems
                .push(format!("{}:{line}: fn `{name}` is {lines} lines, over {MAX_FUNCTION_LINES}", file.display()));
        }
    }
    problems
}

#[test]
fn functions_commands_and_the_crate_roots_stay_small() {
    let problems = size_violations(&real_src());
    assert!(problems.is_empty(), "{} too large:\n{}", problems.len(), problems.join("\n"));
}

#[test]
fn the_size_check_names_a_long_function_outside_tests_only() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("src");
    std::fs::create_dir_all(src.join("commands")).unwrap();
    let body = "    let _ = 1;\n".repeat(MAX_FUNCTION_LINES);
    let long = format!("fn long() {{\n{body}}}\n");
    std::fs::write(src.join("lib.rs"), "mod commands;\npub fn helper() {}\n").unwrap();
    std::fs::write(src.join("main.rs"), "fn main() {}\n").unwrap();
    std::fs::write(src.join("commands/mod.rs"), format!("{long}#[cfg(test)]\nmod tests {{\n    {long}}}\n")).unwrap();
    std::fs::write(src.join("commands/tests.rs"), &long).unwrap();
    let problems = size_violations(&src);
    let at = |file: &str| src.join(file).display().to_string();
    assert_eq!(
        problems,
        [
            format!("{}: {} lines, over 200 for a command", at("commands/mod.rs"), 2 * (MAX_FUNCTION_LINES + 2) + 3),
            format!("{}:1: fn `long` is {} lines, over 100", at("commands/mod.rs"), MAX_FUNCTION_LINES + 2),
            format!("{}: holds more than `mod` and `use` items", at("lib.rs")),
        ]
    );
}
