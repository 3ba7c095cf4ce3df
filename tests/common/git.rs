//! Real git repositories with pinned dates for history tests.

use std::process::Command;

use super::Project;

impl Project {
    /// `git init` with a fixed identity and branch name.
    pub fn git_init(&self) {
        self.git(&["init", "--quiet", "--initial-branch=main"], "2025-01-01T00:00:00Z", "Tester");
    }

    /// Commits everything with the given date (`2025-08-12`) and author.
    pub fn commit(&self, message: &str, date: &str, author: &str) {
        self.git(&["add", "--all"], date, author);
        self.git(&["commit", "--quiet", "--allow-empty", "-m", message], date, author);
    }

    pub fn tag(&self, name: &str, date: &str) {
        self.git(&["tag", name], date, "Tester");
    }

    pub fn annotated_tag(&self, name: &str, message: &str, date: &str) {
        self.git(&["tag", "-a", name, "-m", message], date, "Tester");
    }

    /// Commits and tags in one step, for a weekly revision.
    pub fn revision(&self, tag: &str, date: &str, author: &str, message: &str) {
        self.commit(message, date, author);
        self.annotated_tag(tag, message, date);
    }

    pub fn git(&self, args: &[&str], date: &str, author: &str) -> String {
        let stamp = if date.contains('T') { date.to_string() } else { format!("{date}T12:00:00Z") };
        let out = Command::new("git")
            .current_dir(self.path())
            .args([
                "-c",
                "user.email=test@example.com",
                "-c",
                &format!("user.name={author}"),
                "-c",
                "commit.gpgsign=false",
                "-c",
                "tag.gpgsign=false",
            ])
            .args(args)
            .env("GIT_AUTHOR_DATE", &stamp)
            .env("GIT_COMMITTER_DATE", &stamp)
            .output()
            .expect("run git");
        assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).into_owned()
    }
}
