//! Published URLs are permanent: a rebuild never drops a page by accident.
//!
//! Every build writes [`MANIFEST`] into the site, listing its permanent URLs: the folder of
//! each committed revision (`revisions/week-1/`) and the page of every item that any
//! committed revision had (`blockers/B-1.html`; removed items keep a tombstone page there).
//! The build gathers them as it folds the history in (see
//! `render::Site`). The next build compares its own list with the manifest of the site it replaces and fails
//! when a URL would go, unless `--prune` is given. The working revision's pages are not
//! listed: uncommitted work may change or vanish. A site without a manifest (never built,
//! or built by an older version) has nothing to compare.

use std::collections::BTreeSet;
use std::path::Path;

use crate::diagnostics::Diagnostic;

/// The manifest's file name in the site.
pub const MANIFEST: &str = ".statuspress-urls";

/// How many lost URLs an error lists before saying how many more there are.
const SHOWN: usize = 10;

/// The manifest file's contents: a comment, then one URL a line.
pub fn manifest(urls: &BTreeSet<String>) -> Vec<u8> {
    let mut text =
        String::from("# Permanent URLs of this site; statuspress refuses to drop them (see `build --prune`).\n");
    for url in urls {
        text.push_str(url);
        text.push('\n');
    }
    text.into_bytes()
}

/// Fails when the site in `output` published a permanent URL that `urls` lacks, naming them.
pub fn check_kept(output: &Path, urls: &BTreeSet<String>) -> Result<(), Diagnostic> {
    let path = output.join(MANIFEST);
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(Diagnostic::error(format!("cannot read {}: {e}", path.display()))),
    };
    let lost: Vec<&str> = text.lines().filter(|l| !l.is_empty() && !l.starts_with('#') && !urls.contains(*l)).collect();
    if lost.is_empty() {
        return Ok(());
    }
    let mut listed = lost.iter().take(SHOWN).copied().collect::<Vec<_>>().join(", ");
    if lost.len() > SHOWN {
        listed.push_str(&format!(" and {} more", lost.len() - SHOWN));
    }
    Err(Diagnostic::error(format!(
        "this build would remove {} published URL{} of {}: {listed}",
        lost.len(),
        if lost.len() == 1 { "" } else { "s" },
        output.display()
    ))
    .note("a revision's tag or commit is no longer reachable from HEAD, or its history was rewritten")
    .help("check out the branch that has them (or restore the tags); to remove them on purpose, build with `--prune`"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_url_is_named_and_a_kept_one_is_fine() {
        let dir = tempfile::tempdir().unwrap();
        let old: BTreeSet<String> = ["revisions/w1/", "blockers/B-1.html"].map(String::from).into();
        std::fs::write(dir.path().join(MANIFEST), manifest(&old)).unwrap();
        assert!(check_kept(dir.path(), &old).is_ok());
        let new: BTreeSet<String> = ["blockers/B-1.html".to_string()].into();
        let error = check_kept(dir.path(), &new).unwrap_err();
        assert!(error.message.contains("remove 1 published URL of") && error.message.contains("revisions/w1/"));
        assert!(check_kept(&dir.path().join("never-built"), &new).is_ok());
    }
}
