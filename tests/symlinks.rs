//! The trust boundary on disk: symlinks in `templates/` and `content/` may only lead to files
//! inside the project, and `[site] output` from the config may only name a folder inside it.

mod common;

use std::os::unix::fs::symlink;
use std::path::Path;

use common::Project;

/// A file outside the project, standing in for `/etc/passwd`.
fn secret() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("passwd");
    std::fs::write(&path, "root:x:0:0:secret\n").expect("write secret");
    (dir, path)
}

fn link(project: &Project, at: &str, to: &Path) {
    let path = project.path().join(at);
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    symlink(to, path).expect("symlink");
}

#[test]
fn template_symlink_leaving_the_project_is_an_error() {
    let project = Project::new(common::BASE);
    let (_keep, secret) = secret();
    link(&project, "templates/style.css", &secret);
    let run = project.run(&["build"]);
    run.assert_fails()
        .assert_stderr("templates/style.css")
        .assert_stderr(&secret.display().to_string())
        .assert_stderr("outside the project");
    assert!(!project.path().join("site").exists(), "nothing may be published");
}

#[test]
fn template_symlink_inside_the_project_is_followed() {
    let project = Project::new(common::BASE);
    project.write("theme/style.css", "body { color: teal }\n");
    link(&project, "templates/style.css", Path::new("../theme/style.css"));
    project.run(&["build"]).assert_ok();
    assert_eq!(project.read("site/assets/style.css"), "body { color: teal }\n");
}

#[test]
fn broken_template_symlink_is_an_error() {
    let project = Project::new(common::BASE);
    link(&project, "templates/item.html", Path::new("missing.html"));
    project.run(&["build"]).assert_fails().assert_stderr("templates/item.html").assert_stderr("broken");
}

#[test]
fn templates_folder_leaving_the_project_is_an_error() {
    let project = Project::new(common::BASE);
    let (keep, _) = secret();
    std::fs::write(keep.path().join("style.css"), "stolen").expect("write");
    link(&project, "templates", keep.path());
    project.run(&["build"]).assert_fails().assert_stderr("templates").assert_stderr("outside the project");
}

#[test]
fn record_symlink_leaving_the_project_is_an_error() {
    let project = Project::new(common::BASE);
    let outside = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        outside.path().join("b-2.md"),
        "+++\ntitle = \"X\"\nseverity = \"critical\"\nstatus = \"open\"\n+++\n",
    )
    .expect("write");
    link(&project, "content/blockers/b-2.md", &outside.path().join("b-2.md"));
    project
        .run(&["check"])
        .assert_fails()
        .assert_stderr("content/blockers/b-2.md")
        .assert_stderr("outside the project")
        .assert_stderr(&outside.path().join("b-2.md").display().to_string());
}

#[test]
fn record_symlink_inside_the_project_is_loaded() {
    // A critical open blocker kept as a link must still hold back readiness.
    let project = Project::new(common::BASE);
    project.write(
        "shared/b-2.md",
        "+++\ntitle = \"Linked blocker\"\nseverity = \"critical\"\nstatus = \"open\"\nblocks = [\"g-1\"]\n+++\n",
    );
    link(&project, "content/blockers/b-2.md", Path::new("../../shared/b-2.md"));
    project.run(&["build"]).assert_ok();
    assert!(project.read("site/blockers/b-2.html").contains("Linked blocker"));
}

#[test]
fn broken_record_symlink_is_an_error() {
    let project = Project::new(common::BASE);
    link(&project, "content/risks/r-2.md", Path::new("gone.md"));
    project.run(&["check"]).assert_fails().assert_stderr("content/risks/r-2.md").assert_stderr("broken");
}

#[test]
fn every_bad_record_symlink_is_reported() {
    let project = Project::new(common::BASE);
    link(&project, "content/risks/r-2.md", Path::new("gone.md"));
    link(&project, "content/risks/r-3.md", Path::new("also-gone.md"));
    project.run(&["check"]).assert_fails().assert_stderr("content/risks/r-2.md").assert_stderr("content/risks/r-3.md");
}

#[test]
fn symlinked_folders_follow_the_same_rule() {
    let project = Project::new(common::BASE);
    project.write("shared/risks/r-2.md", "+++\ntitle = \"Shared risk\"\nlikelihood = 2\nimpact = 2\n+++\n");
    link(&project, "content/risks/shared", Path::new("../../shared/risks"));
    project.run(&["build"]).assert_ok();
    assert!(project.read("site/risks/r-2.html").contains("Shared risk"));

    let outside = tempfile::tempdir().expect("temp dir");
    link(&project, "content/elsewhere", outside.path());
    project.run(&["check"]).assert_fails().assert_stderr("content/elsewhere").assert_stderr("outside the project");
}

#[test]
fn symlink_loops_end_in_an_error() {
    let project = Project::new(common::BASE);
    link(&project, "content/blockers/again", Path::new(".."));
    project.run(&["check"]).assert_fails().assert_stderr("content/blockers/again").assert_stderr("loop");
}

#[test]
fn config_output_must_stay_inside_the_project() {
    for output in ["../elsewhere", "/tmp/elsewhere", "site/../../x"] {
        let project = Project::new(common::BASE);
        project.write("statuspress.toml", &format!("[site]\ntitle = \"T\"\noutput = \"{output}\"\n"));
        project
            .run(&["build"])
            .assert_fails()
            .assert_stderr("statuspress.toml:3:10")
            .assert_stderr("outside the project")
            .assert_stderr("--output");
    }
}

#[test]
fn config_output_through_a_symlink_must_stay_inside_the_project() {
    let project = Project::new(common::BASE);
    let outside = tempfile::tempdir().expect("temp dir");
    link(&project, "out", outside.path());
    project.write("statuspress.toml", "[site]\noutput = \"out/site\"\n");
    project.run(&["build"]).assert_fails().assert_stderr("statuspress.toml:2:10").assert_stderr("outside the project");
    assert!(!outside.path().join("site").exists());
}

#[test]
fn command_line_output_may_point_anywhere() {
    let project = Project::new(common::BASE);
    let outside = tempfile::tempdir().expect("temp dir");
    let site = outside.path().join("site");
    project.run(&["build", "--output", site.to_str().expect("utf-8 path")]).assert_ok();
    assert!(site.join("index.html").is_file());
}

#[test]
fn hidden_broken_links_are_ignored() {
    // Emacs keeps its lock file `.#name` as a broken link next to the file being edited.
    let project = Project::new(common::BASE);
    link(&project, "content/blockers/.#B-1.md", Path::new("user@host.1234:1755000000"));
    project.run(&["check"]).assert_ok();
}

#[test]
fn config_output_through_a_broken_symlink_is_an_error() {
    let project = Project::new(common::BASE);
    link(&project, "out", Path::new("/nonexistent/statuspress-test"));
    project.write("statuspress.toml", "[site]\noutput = \"out/site\"\n");
    project.run(&["build"]).assert_fails().assert_stderr("statuspress.toml:2:10").assert_stderr("broken symbolic link");
}

#[test]
fn committed_record_symlinks_are_followed_inside_the_repository_and_errors_otherwise() {
    // Revisions are read from git objects, where a link is a blob holding its target: one
    // inside the repository reads as the file it names (as in the working tree), one
    // leaving it is an error of that revision, never a record lost in silence.
    let project = Project::new(common::BASE);
    project.write(
        "shared/b-2.md",
        "+++\ntitle = \"Linked blocker\"\nseverity = \"critical\"\nstatus = \"open\"\nblocks = [\"g-1\"]\n+++\n",
    );
    link(&project, "content/blockers/b-2.md", Path::new("../../shared/b-2.md"));
    project.git_init();
    project.revision("week-1", "2025-08-12", "Zoe", "linked blocker");
    std::fs::remove_file(project.path().join("content/blockers/b-2.md")).expect("unlink");
    link(&project, "content/blockers/b-2.md", Path::new("../../../outside.md"));
    project.revision("week-2", "2025-08-19", "Zoe", "link leaves the repository");
    std::fs::remove_file(project.path().join("content/blockers/b-2.md")).expect("unlink");
    project.revision("week-3", "2025-08-26", "Zoe", "link removed");

    let run = project.run(&["build", "--as-of", "2025-08-27"]);
    run.assert_ok();
    let week_1 = project.read("site/revisions/week-1/status.json");
    assert!(week_1.contains("Linked blocker"), "week-1 reads the linked record:\n{week_1}");
    run.assert_stderr("revision week-2 could not be read");
    let week_2 = project.read("site/revisions/week-2/index.html");
    assert!(week_2.contains("content/blockers/b-2.md") && week_2.contains("leaves the repository"), "{week_2}");
}
