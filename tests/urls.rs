//! Published URLs are not lost by accident: unreadable history fails the build (leaving the
//! site as it was), and a rebuild that would drop a revision or an item page needs `--prune`.

mod common;

use common::{Project, snapshot};

/// Two tagged weeks; A-1 exists only in week-1.
fn project() -> Project {
    let project = Project::new(common::BASE);
    project.write("content/actions/A-1.md", "+++\ntitle = \"Escalate\"\n+++\n");
    project.git_init();
    project.revision("week-1", "2025-08-12", "Zoe", "Week 1");
    project.remove("content/actions/A-1.md");
    project.write(
        "content/blockers/B-1.md",
        "+++\ntitle = \"DB down\"\nseverity = \"critical\"\nstatus = \"resolved\"\nblocks = [\"g-1\"]\n+++\n",
    );
    project.revision("week-2", "2025-08-19", "Zoe", "Week 2");
    project
}

/// The single pack file of the repository, after packing every object.
fn packed(project: &Project) -> std::path::PathBuf {
    project.git(&["repack", "-a", "-d", "-q"], "2025-08-20", "Zoe");
    let dir = project.path().join(".git/objects/pack");
    std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "pack"))
        .expect("a pack")
}

#[test]
fn a_corrupt_pack_fails_the_build_and_leaves_the_site() {
    let project = project();
    project.run(&["build"]).assert_ok();
    let before = snapshot(&project.path().join("site"));
    let pack = packed(&project);
    let bytes = std::fs::read(&pack).unwrap();
    std::fs::write(&pack, &bytes[..bytes.len() / 2]).unwrap();
    let run = project.run(&["build"]);
    run.assert_fails().assert_stderr("error: git: cannot").assert_stderr("the previous site was left as it was");
    assert!(
        run.stderr
            .lines()
            .any(|l| l.contains("error: git") && l.split(|c: char| !c.is_ascii_hexdigit()).any(|w| w.len() >= 7)),
        "the error names the object:\n{}",
        run.stderr
    );
    assert_eq!(snapshot(&project.path().join("site")), before, "the site is untouched");
    // `check` reads the history too, and `--no-history` skips it.
    project.run(&["check"]).assert_fails().assert_stderr("error: git: cannot");
    project.run(&["check", "--no-history"]).assert_ok();
}

#[test]
fn one_missing_old_object_fails_the_build_naming_it() {
    let project = project();
    project.run(&["build"]).assert_ok();
    // A-1's file exists only in week-1; lose its blob.
    let blob = project.git(&["rev-parse", "week-1:content/actions/A-1.md"], "2025-08-20", "Zoe");
    let blob = blob.trim();
    std::fs::remove_file(project.path().join(".git/objects").join(&blob[..2]).join(&blob[2..])).unwrap();
    let run = project.run(&["build"]);
    run.assert_fails().assert_stderr(&format!("cannot read blob {blob}"));
    project.run(&["check"]).assert_fails().assert_stderr(&format!("cannot read blob {blob}"));
}

#[test]
fn dropping_a_published_revision_or_item_page_needs_prune() {
    let project = project();
    project.run(&["build"]).assert_ok();
    assert!(project.read("site/.statuspress-urls").lines().any(|l| l == "revisions/week-1/"));
    let before = snapshot(&project.path().join("site"));
    // Deleting the first tag would unpublish week-1 and the only revision that had A-1.
    project.git(&["tag", "-d", "week-1"], "2025-08-20", "Zoe");
    let run = project.run(&["build"]);
    run.assert_fails()
        .assert_stderr("this build would remove 2 published URLs")
        .assert_stderr("actions/A-1.html")
        .assert_stderr("revisions/week-1/")
        .assert_stderr("--prune");
    assert_eq!(snapshot(&project.path().join("site")), before, "the site is untouched");
    project.run(&["build", "--prune"]).assert_ok();
    assert!(!project.path().join("site/revisions/week-1").exists());
    // Pruned URLs are forgotten: the next build has nothing to complain about.
    project.run(&["build"]).assert_ok();
}

#[test]
fn pages_of_the_working_revision_may_go() {
    let project = project();
    project.write("content/actions/A-2.md", "+++\ntitle = \"Draft\"\n+++\n");
    project.run(&["build"]).assert_ok();
    assert!(project.path().join("site/actions/A-2.html").is_file());
    project.remove("content/actions/A-2.md");
    project.run(&["build"]).assert_ok();
    assert!(!project.path().join("site/actions/A-2.html").exists());
}

#[test]
fn a_broken_tag_fails_the_build_naming_it() {
    let project = project();
    project.run(&["build"]).assert_ok();
    let before = snapshot(&project.path().join("site"));
    let tag = project.path().join(".git/refs/tags/week-1");
    std::fs::write(&tag, "not an object id\n").unwrap();
    project.run(&["build"]).assert_fails().assert_stderr("refs/tags/week-1");
    // A tag naming an object that is not there.
    std::fs::write(&tag, "0123456789012345678901234567890123456789\n").unwrap();
    project
        .run(&["build"])
        .assert_fails()
        .assert_stderr("cannot read tag `week-1` (object 0123456789012345678901234567890123456789)")
        .assert_stderr("git fsck");
    assert_eq!(snapshot(&project.path().join("site")), before, "the site is untouched");
}
