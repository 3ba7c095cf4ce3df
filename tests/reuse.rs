//! A rebuild after a new tag keeps each older revision's `status.json` from the previous
//! output (by a per-revision fingerprint) instead of making it again, with the same bytes as
//! a fresh build; a damaged kept file, a changed config or a tag inserted before the others
//! makes them again.

mod common;

use std::path::Path;

use common::{Project, Run, snapshot};

const AS_OF: &str = "2025-09-30";

/// The pass rate of week `n`, so each revision's status differs.
fn metric(n: usize) -> String {
    format!("+++\ntitle = \"Pass rate\"\nunit = \"%\"\ntarget = \">= 90\"\nvalue = {}\n+++\n", 50 + n)
}

/// A plan (the base one with `extra` files) with an untagged first commit (2025-07-01) and
/// `weeks` weekly tags after it.
fn tagged(weeks: usize, extra: &[(&str, &str)]) -> Project {
    let project = Project::base_with(extra);
    project.git_init();
    project.commit("Start", "2025-07-01", "Zoe");
    for n in 1..=weeks {
        add_week(&project, n);
    }
    project
}

/// Commits and tags week `n` (`week-<n>`, dated a week after the one before).
fn add_week(project: &Project, n: usize) {
    project.write("content/metrics/pass-rate.md", &metric(n));
    let date = ["2025-07-01", "2025-07-08", "2025-07-15", "2025-07-22", "2025-07-29", "2025-08-05"][n];
    project.revision(&format!("week-{n}"), date, "Zoe", &format!("Week {n}"));
}

/// Builds into `output` with `--verbose` and `more` options.
fn build(project: &Project, output: &Path, more: &[&str]) -> Run {
    let mut args = vec!["build", "--verbose", "--as-of", AS_OF, "--output", output.to_str().unwrap()];
    args.extend(more);
    let run = project.run(&args);
    run.assert_ok();
    run
}

/// How many archived `status.json` files a build's `--verbose` output says it kept.
fn reused(run: &Run) -> usize {
    let line = run.stderr.lines().find(|l| l.contains("archived status.json")).unwrap_or_else(|| {
        panic!("no count of reused archived status.json files:\n{}", run.stderr);
    });
    line.split_whitespace().find_map(|w| w.parse().ok()).expect("a count")
}

/// Asserts that `site` holds exactly the files a fresh build of the project (with `more`
/// options) writes.
#[track_caller]
fn assert_same_as_fresh(project: &Project, site: &Path, more: &[&str]) {
    let fresh = project.path().join("fresh");
    let _ = std::fs::remove_dir_all(&fresh);
    build(project, &fresh, more);
    let (ours, theirs) = (snapshot(site), snapshot(&fresh));
    let paths = |files: &[(std::path::PathBuf, Vec<u8>)]| files.iter().map(|(p, _)| p.clone()).collect::<Vec<_>>();
    assert_eq!(paths(&ours), paths(&theirs));
    for ((path, a), (_, b)) in ours.iter().zip(&theirs) {
        assert!(a == b, "{} differs from a fresh build's", path.display());
    }
}

#[test]
fn a_new_tag_keeps_every_older_revisions_status_json() {
    let project = tagged(3, &[]);
    let site = project.path().join("site");
    assert_eq!(reused(&build(&project, &site, &[])), 0, "nothing to keep in a first build");
    add_week(&project, 4);
    assert_eq!(reused(&build(&project, &site, &[])), 3);
    assert_same_as_fresh(&project, &site, &[]);
    assert!(project.read("site/.statuspress-build").contains("\nrevision "));
}

#[test]
fn a_damaged_or_missing_kept_file_is_made_again() {
    let project = tagged(3, &[]);
    let site = project.path().join("site");
    build(&project, &site, &[]);
    // Same size, other bytes: only the CRC-32 tells.
    let tampered = site.join("revisions/week-1/status.json");
    let mut bytes = std::fs::read(&tampered).unwrap();
    let at = bytes.iter().position(|b| b.is_ascii_digit()).unwrap();
    bytes[at] = if bytes[at] == b'9' { b'8' } else { bytes[at] + 1 };
    std::fs::write(&tampered, bytes).unwrap();
    std::fs::remove_file(site.join("revisions/week-2/status.json")).unwrap();
    add_week(&project, 4);
    assert_eq!(reused(&build(&project, &site, &[])), 1, "week-3's alone");
    assert_same_as_fresh(&project, &site, &[]);
}

#[test]
fn a_changed_config_or_an_earlier_tag_keeps_nothing() {
    let project = tagged(3, &[]);
    let site = project.path().join("site");
    build(&project, &site, &[]);
    project.write("statuspress.toml", "# any byte\n");
    assert_eq!(reused(&build(&project, &site, &[])), 0, "the config changed");
    add_week(&project, 4);
    assert_eq!(reused(&build(&project, &site, &[])), 3, "the config is the same again");

    // A tag on the first commit, dated before every other: each later revision follows it.
    let first = project.git(&["rev-list", "--max-parents=0", "HEAD"], "2025-07-01", "Zoe");
    project.git(&["tag", "week-0", first.trim()], "2025-07-01", "Zoe");
    assert_eq!(reused(&build(&project, &site, &[])), 0, "a revision before them changes every one");
    assert!(site.join("revisions/week-0/status.json").exists());
    assert_same_as_fresh(&project, &site, &[]);
}

#[test]
fn an_audience_site_keeps_them_until_what_it_hides_changes() {
    let sponsors = "+++\ntitle = \"Sponsors\"\nrecipients = [\"s@example.com\"]\nexternal = true\n+++\n";
    let project = tagged(3, &[("content/audiences/sponsors.md", sponsors)]);
    let (site, audience) = (project.path().join("site"), ["--audience", "sponsors"]);
    build(&project, &site, &audience);
    add_week(&project, 4);
    assert_eq!(reused(&build(&project, &site, &audience)), 3);
    assert_same_as_fresh(&project, &site, &audience);
    // A record made confidential now is hidden from every revision's status, old ones too.
    project
        .write("content/risks/r-1.md", "+++\ntitle = \"Risk\"\nlikelihood = 3\nimpact = 4\nconfidential = true\n+++\n");
    add_week(&project, 5);
    assert_eq!(reused(&build(&project, &site, &audience)), 0);
    assert!(!project.read("site/revisions/week-1/status.json").contains("r-1"));
    assert_same_as_fresh(&project, &site, &audience);
}
