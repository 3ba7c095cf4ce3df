//! A rebuild where nothing changed is skipped by fingerprint, and any change of an input
//! (records, config, theme, as-of date, revisions) builds again.

mod common;

use std::time::SystemTime;

use common::{Project, snapshot};

fn modified(project: &Project, path: &str) -> SystemTime {
    std::fs::metadata(project.path().join(path)).unwrap().modified().unwrap()
}

#[test]
fn an_unchanged_project_is_not_built_again_and_any_change_is() {
    let project =
        Project::base_with(&[("content/actions/a-1.md", "+++\ntitle = \"Escalate\"\ndue = 2025-08-01\n+++\n")]);
    project.run(&["build"]).assert_ok().assert_stderr("action `a-1` is overdue");
    let site = snapshot(&project.path().join("site"));
    assert!(project.read("site/.statuspress-build").starts_with("fingerprint "));
    let written = modified(&project, "site/index.html");

    let again = project.run(&["build"]);
    again.assert_ok().assert_stderr("is up to date").assert_stderr("(1 warning; `statuspress check` lists them)");
    assert_eq!(snapshot(&project.path().join("site")), site);
    assert_eq!(modified(&project, "site/index.html"), written, "the site was written again");

    let changes = [
        ("a record", "content/actions/a-1.md", "+++\ntitle = \"Escalate now\"\n+++\n"),
        ("the config", "statuspress.toml", "[site]\ntitle = \"Renamed\"\n"),
        ("the theme", "templates/item.html", "{% extends \"base.html\" %}"),
    ];
    for (what, path, text) in changes {
        project.write(path, text);
        let rebuilt = project.run(&["build"]);
        rebuilt.assert_ok();
        assert!(!rebuilt.stderr.contains("up to date"), "a change of {what} was not built:\n{}", rebuilt.stderr);
        project.run(&["build"]).assert_ok().assert_stderr("is up to date");
    }
    let later = project.run(&["build", "--as-of", "2025-09-30"]);
    assert!(!later.assert_ok().stderr.contains("up to date"), "a new as-of date must build again");
}

#[test]
fn strict_does_not_skip_a_build_that_had_warnings() {
    let project =
        Project::base_with(&[("content/actions/a-1.md", "+++\ntitle = \"Escalate\"\ndue = 2025-08-01\n+++\n")]);
    project.run(&["build"]).assert_ok();
    project.run(&["build", "--strict"]).assert_fails().assert_stderr("action `a-1` is overdue");
}

#[test]
fn a_damaged_fingerprint_file_builds_again() {
    let project = Project::base_with(&[]);
    project.run(&["build"]).assert_ok();
    std::fs::write(project.path().join("site/.statuspress-build"), "fingerprint 0\nwarnings 0\n").unwrap();
    let rebuilt = project.run(&["build"]);
    assert!(!rebuilt.assert_ok().stderr.contains("up to date"), "{}", rebuilt.stderr);
}

#[test]
fn a_hand_edited_output_builds_again() {
    let project = Project::base_with(&[]);
    project.run(&["build"]).assert_ok();
    let site = snapshot(&project.path().join("site"));
    project.run(&["build"]).assert_ok().assert_stderr("is up to date");
    // The probe of issue 16: one page gone, one changed, one added.
    project.remove("site/index.html");
    project.write("site/plan.html", "x");
    project.write("site/evil.html", "<script>alert(1)</script>");
    let rebuilt = project.run(&["build"]);
    assert!(!rebuilt.assert_ok().stderr.contains("up to date"), "{}", rebuilt.stderr);
    assert_eq!(snapshot(&project.path().join("site")).len(), site.len());
    for (path, bytes) in &site {
        if !path.ends_with(".statuspress-build") {
            assert_eq!(&std::fs::read(project.path().join("site").join(path)).unwrap(), bytes, "{}", path.display());
        }
    }
    project.run(&["build"]).assert_ok().assert_stderr("is up to date");
    // Each kind alone, and a page changed to other bytes of the same size.
    let index = project.read("site/index.html");
    let edits: [(&str, &dyn Fn()); 4] = [
        ("a missing page", &|| project.remove("site/plan.html")),
        ("a changed page", &|| project.write("site/index.html", &index.replace("Plan", "Nalp"))),
        ("an added page", &|| project.write("site/blockers/new.html", "")),
        ("a page replaced by a link", &|| {
            project.remove("site/index.html");
            std::os::unix::fs::symlink("plan.html", project.path().join("site/index.html")).unwrap();
        }),
    ];
    for (what, edit) in edits {
        edit();
        let run = project.run(&["build"]);
        assert!(!run.assert_ok().stderr.contains("up to date"), "{what} was not built again:\n{}", run.stderr);
        project.run(&["build"]).assert_ok().assert_stderr("is up to date");
    }
}

#[test]
fn a_damaged_pack_fails_a_build_that_nothing_else_would_have_changed() {
    let project = Project::base_with(&[]);
    project.git_init();
    project.revision("week-1", "2025-08-12", "Zoe", "Week 1");
    project.write("content/risks/r-1.md", "+++\ntitle = \"Risk\"\nlikelihood = 2\nimpact = 4\n+++\n");
    project.revision("week-2", "2025-08-19", "Zoe", "Week 2");
    project.git(&["gc", "--quiet"], "2025-08-20", "Zoe");
    project.run(&["build"]).assert_ok();
    project.run(&["build"]).assert_ok().assert_stderr("is up to date");
    // Flip bytes inside the compressed data of week-1's risk, a blob no tree shares.
    let blob = project.git(&["rev-parse", "week-1:content/risks/r-1.md"], "2025-08-20", "Zoe");
    let pack = std::fs::read_dir(project.path().join(".git/objects/pack"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "pack"))
        .expect("a pack");
    let index = pack.with_extension("idx");
    let listed = project.git(&["verify-pack", "-v", index.to_str().unwrap()], "2025-08-20", "Zoe");
    let line = listed.lines().find(|l| l.starts_with(blob.trim())).expect("the blob is packed");
    // `<id> blob <size> <size in pack> <offset> …`
    let fields: Vec<u64> = line.split_whitespace().skip(3).take(2).map(|n| n.parse().unwrap()).collect();
    let mut bytes = std::fs::read(&pack).unwrap();
    let middle = (fields[1] + fields[0] / 2) as usize;
    for byte in &mut bytes[middle..middle + 2] {
        *byte ^= 0x55;
    }
    std::fs::write(&pack, bytes).unwrap();
    let check = project.run(&["check"]);
    check.assert_fails();
    let build = project.run(&["build"]);
    build.assert_fails().assert_stderr("the previous site was left as it was");
    let first_error = |stderr: &str| stderr.lines().find(|l| l.starts_with("error")).map(str::to_string);
    assert_eq!(first_error(&build.stderr), first_error(&check.stderr), "build fails like check:\n{}", build.stderr);
}
