//! Weekly reports sent to a real SMTP server (aiosmtpd with STARTTLS, AUTH and a test CA)
//! and read back from what the server stored.

mod common;

use std::process::Stdio;
use std::time::{Duration, Instant};

use common::Project;
use common::smtp::{Mail, SmtpServer, free_port, toolkit};

const CREDENTIALS: &[(&str, &str)] = &[("QA_SMTP_USER", "qa"), ("QA_SMTP_PASSWORD", "s3cret-pass")];

fn config(port: u16, security: &str) -> String {
    format!(
        "[site]\nbase_url = \"https://status.example.com/plan/\"\n\n[email]\nfrom = \"QA Orchestrator <qa@example.com>\"\nsubject_prefix = \"[QA plan]\"\n\n\
         [email.smtp]\nhost = \"localhost\"\nport = {port}\nsecurity = \"{security}\"\nusername_env = \"QA_SMTP_USER\"\npassword_env = \"QA_SMTP_PASSWORD\"\nca_file = \"{}\"\nretry_delay_ms = 10\n",
        toolkit().join("ca.pem").display()
    )
}

fn project(port: u16, security: &str, team: &[&str]) -> Project {
    common::two_weeks(&config(port, security), team, &[])
}

fn send(project: &Project, extra: &[&str]) -> common::Run {
    let mut args = vec!["send", "--week", "2025-W34"];
    args.extend_from_slice(extra);
    project.run_env(&args, CREDENTIALS)
}

#[test]
fn sends_real_multipart_mail_over_starttls_with_auth() {
    let server = SmtpServer::start("starttls");
    let project = project(server.port, "starttls", &["dev@example.com", "lead@example.com"]);
    let run = send(&project, &[]);
    run.assert_ok()
        .assert_stderr("sent 2025-W34 to dev@example.com (team)")
        .assert_stderr("sent 2025-W34 to po@example.com (sponsors)");
    assert!(
        !run.stderr.contains("s3cret-pass") && !run.stdout.contains("s3cret-pass"),
        "the password must never be printed"
    );

    let messages = server.messages();
    assert_eq!(messages.len(), 3, "one message per recipient");
    let rcpts: Vec<&str> = messages.iter().map(|(_, r)| r.as_str()).collect();
    assert!(
        rcpts.contains(&"dev@example.com") && rcpts.contains(&"lead@example.com") && rcpts.contains(&"po@example.com")
    );

    let team = Mail::parse(&messages.iter().find(|(_, r)| r == "dev@example.com").unwrap().0);
    assert_eq!(team.header("Subject"), "[QA plan] Week 2025-W34: NO-GO, 1 blocker open");
    assert_eq!(team.header("From"), "\"QA Orchestrator\" <qa@example.com>");
    for (raw, rcpt) in &messages {
        assert_eq!(Mail::parse(raw).header("To"), rcpt, "each message names its own recipient only");
    }
    assert_eq!(team.header("Message-ID"), "<2025-W34.team.w2@example.com>");
    assert_eq!(team.header("Date"), "Sun, 24 Aug 2025 23:59:59 +0000");
    assert!(team.header("Content-Type").starts_with("multipart/alternative"));
    let (text, html) = (team.part("text/plain"), team.part("text/html"));
    assert!(text.contains("Readiness: NO-GO") && text.contains("B-1 DB down: open → resolved"), "{text}");
    assert!(text.contains("Secret vendor outage"), "internal audiences see confidential records");
    assert!(html.contains("href=\"https://status.example.com/plan/blockers/B-1.html\""), "absolute links");
    assert!(html.contains("style=\""), "CSS inlined");
    assert!(!html.contains("<style") && !html.contains("<svg") && !html.contains("<script") && !html.contains("<img"));
    assert!(html.contains("57.1") || html.contains("92.4%"));
    assert!(team.raw_len < 100_000, "email is {} bytes", team.raw_len);

    let sponsors = Mail::parse(&messages.iter().find(|(_, r)| r == "po@example.com").unwrap().0);
    for part in [
        sponsors.part("text/plain"),
        sponsors.part("text/html"),
        &messages.iter().find(|(_, r)| r == "po@example.com").unwrap().0,
    ] {
        assert!(
            !part.contains("Secret vendor") && !part.contains("B-9"),
            "an external audience saw a confidential record:\n{part}"
        );
    }
    assert!(team.header("Subject").ends_with("1 blocker open"));
    assert!(
        sponsors.header("Subject").ends_with("0 blockers open"),
        "the confidential blocker is not counted: {}",
        sponsors.header("Subject")
    );

    // The ledger: the same report is not sent twice, unless forced.
    let ledger = project.read(".statuspress/sent.toml");
    assert_eq!(ledger.matches("[[sent]]").count(), 3, "{ledger}");
    assert!(ledger.contains("message_id = \"<2025-W34.team.w2@example.com>\""));
    send(&project, &[]).assert_ok().assert_stderr("already sent");
    assert_eq!(server.messages().len(), 3);
    send(&project, &["--force", "--audience", "sponsors"]).assert_ok();
    assert_eq!(server.messages().len(), 4);
}

#[test]
fn non_ascii_and_header_breaking_text_is_encoded() {
    let server = SmtpServer::start("starttls");
    let project = project(server.port, "starttls", &["dev@example.com"]);
    let mut cfg = config(server.port, "starttls");
    cfg = cfg.replace(
        "subject_prefix = \"[QA plan]\"",
        "subject_prefix = \"[Plan ü — ünïcode]\\r\\nBcc: evil@example.com\"",
    );
    project.write("statuspress.toml", &cfg);
    project.commit("config", "2025-08-20", "Zoe");
    send(&project, &["--audience", "team"]).assert_ok();
    let (raw, rcpt) = &server.messages()[0];
    assert_eq!(rcpt, "dev@example.com");
    let head = raw.split("\r\n\r\n").next().unwrap();
    assert!(head.is_ascii(), "headers must be ASCII (RFC 2047 encoded):\n{head}");
    assert!(!head.lines().any(|l| l.to_ascii_lowercase().starts_with("bcc:")), "header injected:\n{head}");
}

#[test]
fn implicit_tls_works_too() {
    let server = SmtpServer::start("tls");
    let project = project(server.port, "tls", &["dev@example.com"]);
    send(&project, &["--audience", "team"]).assert_ok();
    assert_eq!(server.messages().len(), 1);
}

#[test]
fn dry_run_sends_nothing_and_unchanged_weeks_wait() {
    let server = SmtpServer::start("starttls");
    let project = project(server.port, "starttls", &["dev@example.com"]);
    send(&project, &["--dry-run"]).assert_ok().assert_stderr("dry run: would send “[QA plan] Week 2025-W34");
    // Week 35 has no new revision: nothing changed.
    let run = project.run_env(&["send", "--week", "2025-W35"], CREDENTIALS);
    run.assert_ok().assert_stderr("nothing changed in 2025-W35");
    assert!(server.messages().is_empty());
    project.run_env(&["send", "--week", "2025-W35", "--send-unchanged", "--audience", "team"], CREDENTIALS).assert_ok();
    assert_eq!(server.messages().len(), 1);
    assert!(!project.read(".statuspress/sent.toml").contains("2025-W34"));
}

#[test]
fn connection_refused_names_the_recipient_and_records_nothing() {
    let project = project(free_port(), "starttls", &["dev@example.com"]);
    let run = send(&project, &["--audience", "team"]);
    run.assert_fails().assert_stderr("to dev@example.com (audience `team`) failed").assert_stderr("onnection refused");
    assert!(!project.path().join(".statuspress/sent.toml").exists());
}

#[test]
fn starttls_not_offered_is_an_error() {
    let server = SmtpServer::start("plain");
    let project = project(server.port, "starttls", &["dev@example.com"]);
    send(&project, &["--audience", "team"]).assert_fails().assert_stderr("to dev@example.com").assert_stderr("TLS");
    assert!(server.messages().is_empty());
}

#[test]
fn rejected_credentials_are_reported_with_the_server_reply() {
    let server = SmtpServer::start("starttls");
    let project = project(server.port, "starttls", &["dev@example.com"]);
    let run = project.run_env(
        &["send", "--week", "2025-W34", "--audience", "team"],
        &[("QA_SMTP_USER", "qa"), ("QA_SMTP_PASSWORD", "wrong-pass")],
    );
    run.assert_fails().assert_stderr("dev@example.com").assert_stderr("535");
    assert!(!run.stderr.contains("wrong-pass"));
    // Missing variables are named, not guessed.
    project.run_env(&["send", "--week", "2025-W34"], &[]).assert_fails().assert_stderr("`QA_SMTP_USER`");
}

#[test]
fn a_rejected_recipient_fails_alone_and_a_rerun_sends_only_what_is_missing() {
    let server = SmtpServer::start("starttls");
    let project = project(server.port, "starttls", &["dev@example.com", "reject-me@example.com", "lead@example.com"]);
    let run = send(&project, &["--audience", "team"]);
    run.assert_fails().assert_stderr("to reject-me@example.com (audience `team`) failed: permanent error (550)");
    assert_eq!(server.messages().len(), 2);
    assert_eq!(server.attempts().iter().filter(|a| a.starts_with("reject-me")).count(), 1, "a 5xx is final: no retry");
    let ledger = project.read(".statuspress/sent.toml");
    assert!(ledger.contains("dev@example.com") && ledger.contains("lead@example.com") && !ledger.contains("reject-me"));
    // Fix the address, run again: only the missing recipient gets mail.
    project.write(
        "content/audiences/team.md",
        "+++\ntitle = \"Team\"\nrecipients = [\"dev@example.com\", \"fixed@example.com\", \"lead@example.com\"]\n+++\n",
    );
    let rerun = send(&project, &["--audience", "team"]);
    rerun.assert_ok().assert_stderr("sent 2025-W34 to fixed@example.com").assert_stderr("already sent");
    assert_eq!(server.messages().len(), 3);
    assert_eq!(server.messages()[2].1, "fixed@example.com");
}

#[test]
fn plain_smtp_is_only_for_this_machine() {
    let project = project(25, "none", &["dev@example.com"]);
    project
        .write("statuspress.toml", &config(25, "none").replace("host = \"localhost\"", "host = \"smtp.example.com\""));
    send(&project, &[]).assert_fails().assert_stderr("only allowed for a server on this machine");
    let server = SmtpServer::start("plain");
    let local = self::project(server.port, "none", &["dev@example.com"]);
    local.write(
        "statuspress.toml",
        &config(server.port, "none")
            .replace("username_env = \"QA_SMTP_USER\"\npassword_env = \"QA_SMTP_PASSWORD\"\n", ""),
    );
    local.commit("config", "2025-08-20", "Zoe");
    send(&local, &["--audience", "team"]).assert_ok();
    assert_eq!(server.messages().len(), 1);
}

#[test]
fn record_text_cannot_end_a_mime_part() {
    // The old boundary was `statuspress-<week>-<audience>`: text holding it ended the real
    // HTML part and started one the author wrote. Titles are single-line (a line break is an
    // error), so the attack comes through a prose field that the email shows: a decision.
    let text = "Quiet\\n\\n--statuspress-2025-W34-team\\nContent-Type: text/html\\n\\n\
                 <a href=\\\"https://evil.example/\\\">Click</a><img src=\\\"https://evil.example/t.png\\\">\\n\\n\
                 --statuspress-2025-W34-team--\\n";
    let decision = format!("+++\ntitle = \"Vendor\"\ndate = 2025-08-19\ndecision = \"{text}\"\n+++\n");
    let server = SmtpServer::start("starttls");
    let project = common::two_weeks(
        &config(server.port, "starttls"),
        &["dev@example.com"],
        &[("content/decisions/D-7.md", &decision)],
    );
    send(&project, &["--audience", "team"]).assert_ok();
    let messages = server.messages();
    assert_eq!(messages.len(), 1);
    let mail = Mail::parse(&messages[0].0);
    let types: Vec<&str> = mail.parts.iter().map(|(t, _)| t.as_str()).collect();
    assert_eq!(types, ["text/plain; charset=utf-8", "text/html; charset=utf-8"], "{}", messages[0].0);
    let html = mail.part("text/html");
    assert!(!html.contains("<a href=\"https://evil.example/") && !html.contains("<img"), "{html}");
    assert!(html.contains("&lt;a href=\"https://evil.example/\"&gt;Click&lt;/a&gt;"), "escaped as text:\n{html}");
    assert!(mail.part("text/plain").contains("--statuspress-2025-W34-team"), "the title is kept, as text");

    // The boundary depends on the content only: building the same report again is byte-identical.
    let eml = |p: &common::Project| {
        p.run(&["report", "--week", "2025-W34", "--audience", "team", "--format", "eml"]).assert_ok().stdout.clone()
    };
    assert_eq!(eml(&project), eml(&project));
    assert!(eml(&project).contains(&format!("--{}--", boundary_of(&messages[0].0))));
}

/// The `boundary` parameter of the message's Content-Type.
fn boundary_of(raw: &str) -> String {
    let mail = Mail::parse(raw);
    let content_type = mail.header("Content-Type");
    content_type.split("boundary=").nth(1).unwrap_or_default().trim_matches('"').to_string()
}

#[test]
fn dry_run_without_email_settings_is_an_error() {
    let project =
        common::two_weeks("[site]\nbase_url = \"https://status.example.com/plan/\"\n", &["dev@example.com"], &[]);
    let run = send(&project, &["--dry-run"]);
    run.assert_fails()
        .assert_stderr("statuspress.toml")
        .assert_stderr("`[email] from`")
        .assert_stderr("`[email.smtp] host`")
        .assert_stderr("[email]\nfrom = \"");
    assert!(!run.stderr.contains("would send"), "{}", run.stderr);
    // Half of it is still an error, naming only what is missing.
    project.write("statuspress.toml", "[email]\nfrom = \"QA <qa@example.com>\"\n");
    let run = send(&project, &["--dry-run"]);
    run.assert_fails().assert_stderr("`[email.smtp] host`");
    assert!(!run.stderr.contains("`[email] from`"), "{}", run.stderr);
}

#[test]
fn a_damaged_ledger_is_located_sends_nothing_and_is_left_alone() {
    let server = SmtpServer::start("starttls");
    let project = project(server.port, "starttls", &["dev@example.com"]);
    let damaged = "# Reports statuspress has sent\n[[sent]]\nweek = \"2025-W34\"\naudience = \"team\"\nrecipient = dev@example.com\n";
    project.write(".statuspress/sent.toml", damaged);
    let run = send(&project, &[]);
    run.assert_fails().assert_stderr(".statuspress/sent.toml:5:13").assert_stderr("recipient = dev@example.com");
    run.assert_stderr("restore it");
    assert!(server.messages().is_empty(), "a damaged ledger is not an empty one");
    assert_eq!(project.read(".statuspress/sent.toml"), damaged, "left byte-identical");

    let incomplete = "[[sent]]\nweek = \"2025-W34\"\naudience = \"team\"\nrecipient = \"dev@example.com\"\n";
    project.write(".statuspress/sent.toml", incomplete);
    send(&project, &[]).assert_fails().assert_stderr(".statuspress/sent.toml:1:").assert_stderr("`message_id`");
    assert!(server.messages().is_empty());
    assert_eq!(project.read(".statuspress/sent.toml"), incomplete);
}

/// A STARTTLS server failing on purpose (see tests/smtp/server.py), and a project sending to it.
fn failing(fault: &str, team: &[&str]) -> (SmtpServer, Project) {
    let server = SmtpServer::start_failing("starttls", fault);
    let project = project(server.port, "starttls", team);
    (server, project)
}

#[test]
fn a_connection_dropped_during_data_is_retried_and_delivered_once() {
    let (server, project) = failing("fail-data-once", &["dev@example.com", "lead@example.com"]);
    send(&project, &["--audience", "team"])
        .assert_ok()
        .assert_stderr("sent 2025-W34 to dev@example.com (team)")
        .assert_stderr("sent 2025-W34 to lead@example.com (team)");
    let mut stored: Vec<String> = server.messages().into_iter().map(|(_, rcpt)| rcpt).collect();
    stored.sort();
    assert_eq!(stored, ["dev@example.com", "lead@example.com"], "exactly one copy each");
    assert_eq!(server.attempts().len(), 4, "two attempts per recipient: {:?}", server.attempts());
    let ledger = project.read(".statuspress/sent.toml");
    assert_eq!(ledger.matches("[[sent]]").count(), 2, "{ledger}");
    assert!(ledger.contains("recipient = \"dev@example.com\"") && ledger.contains("recipient = \"lead@example.com\""));
}

#[test]
fn greylisting_is_waited_out() {
    let (server, project) = failing("greylist", &["dev@example.com"]);
    send(&project, &["--audience", "team"]).assert_ok().assert_stderr("sent 2025-W34 to dev@example.com");
    assert_eq!(server.attempts(), ["dev@example.com", "dev@example.com"]);
    assert_eq!(server.messages().len(), 1);
    assert_eq!(project.read(".statuspress/sent.toml").matches("[[sent]]").count(), 1);
}

#[test]
fn a_server_that_always_defers_is_given_up_on_after_three_attempts() {
    let (server, project) = failing("tempfail", &["dev@example.com"]);
    let run = send(&project, &["--audience", "team"]);
    run.assert_fails()
        .assert_stderr("to dev@example.com (audience `team`) failed: tried 3 times, the last: transient error (451)")
        .assert_stderr("greylisted, try again later");
    assert_eq!(server.attempts().len(), 3);
    assert!(server.messages().is_empty());
    assert!(!project.path().join(".statuspress/sent.toml").exists(), "nothing recorded");
}

#[test]
fn a_server_that_never_answers_times_out_and_the_rest_are_not_tried() {
    let (server, project) = failing("hang", &["dev@example.com", "lead@example.com"]);
    project.write(
        "statuspress.toml",
        &config(server.port, "starttls")
            .replace("retry_delay_ms = 10\n", "retry_delay_ms = 10\nretries = 1\ntimeout_secs = 1\n"),
    );
    let started = Instant::now();
    let run = send(&project, &[]);
    run.assert_fails().assert_stderr("failed: tried 2 times, the last: the server did not answer within 1 s");
    assert_eq!(run.stderr.matches("tried 2 times").count(), 1, "{}", run.stderr);
    assert_eq!(run.stderr.matches(": not tried, the server failed for ").count(), 2, "{}", run.stderr);
    let elapsed = started.elapsed();
    assert!(elapsed >= Duration::from_secs(2) && elapsed < Duration::from_secs(15), "took {elapsed:?}");
    assert!(!project.path().join(".statuspress/sent.toml").exists(), "nothing recorded");
}

#[test]
fn a_ledger_that_cannot_be_written_says_which_delivery_is_unrecorded() {
    let server = SmtpServer::start("starttls");
    let project = project(server.port, "starttls", &["dev@example.com", "lead@example.com"]);
    // No file may grow (`ulimit -f 0`, its signal ignored so that writes fail with EFBIG): the
    // empty lock file is made, the ledger's temporary file cannot be written after the first
    // delivery. Works for root too, unlike a read-only folder.
    let mut command = std::process::Command::new("bash");
    command.args(["-c", "trap '' XFSZ; ulimit -f 0; exec \"$0\" \"$@\""]);
    command.arg(common::statuspress().get_program()).args(["--color", "never", "--root"]).arg(project.path());
    command.args(["send", "--week", "2025-W34", "--audience", "team"]).envs(CREDENTIALS.iter().copied());
    let run = common::Run::from(command.env("SOURCE_DATE_EPOCH", "1755000000").output().expect("run statuspress"));
    run.assert_fails()
        .assert_stderr("cannot write .statuspress/sent.toml")
        .assert_stderr("dev@example.com got the 2025-W34 report, but that is not recorded");
    assert_eq!(server.messages().len(), 1, "no more mail once the ledger cannot keep up");
    let files: Vec<_> =
        std::fs::read_dir(project.path().join(".statuspress")).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(files, ["sent.lock"], "no ledger, and the failed temporary file is removed");
}

#[test]
fn two_sends_at_once_deliver_each_message_once_and_record_all() {
    // A slow server keeps the first run busy while the second starts: a cron job and a person.
    let (server, project) = failing("slow", &["dev@example.com", "lead@example.com"]);
    let start = || {
        let mut command = common::statuspress();
        command.arg("--root").arg(project.path()).args(["send", "--week", "2025-W34"]);
        command.envs(CREDENTIALS.iter().copied()).stdout(Stdio::piped()).stderr(Stdio::piped());
        command.spawn().expect("start statuspress")
    };
    let (first, second) = (start(), start());
    let runs: Vec<common::Run> =
        [first, second].into_iter().map(|c| common::Run::from(c.wait_with_output().expect("wait"))).collect();
    for run in &runs {
        run.assert_ok();
    }
    let mut stored: Vec<String> = server.messages().into_iter().map(|(_, rcpt)| rcpt).collect();
    stored.sort();
    assert_eq!(stored, ["dev@example.com", "lead@example.com", "po@example.com"], "exactly one copy each");
    let ledger = project.read(".statuspress/sent.toml");
    assert_eq!(ledger.matches("[[sent]]").count(), 3, "{ledger}");
    for recipient in stored {
        assert!(ledger.contains(&format!("recipient = \"{recipient}\"")), "{ledger}");
    }
    let stderr: String = runs.iter().map(|r| r.stderr.as_str()).collect();
    assert_eq!(stderr.matches("waiting for another `send` or `notify` to finish").count(), 1, "{stderr}");
    assert_eq!(stderr.matches("already sent").count(), 3, "the second run read what the first recorded:\n{stderr}");
    let mut files: Vec<String> = std::fs::read_dir(project.path().join(".statuspress"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert_eq!(files, ["sent.lock", "sent.toml"], "no temporary file left behind");
}

#[test]
fn a_written_email_names_the_audience_and_shows_no_address() {
    let project = project(free_port(), "starttls", &["dev@example.com", "lead@example.com"]);
    let team = &["report", "--week", "2025-W34", "--audience", "team", "--format", "eml"];
    let eml = project.run(team).assert_ok().stdout.clone();
    let mail = Mail::parse(&eml);
    assert_eq!(mail.header("To"), "Team: ;", "an RFC 5322 group without members");
    assert!(!eml.contains("dev@example.com") && !eml.contains("lead@example.com"), "{eml}");
    // A title cannot add an address or end the group: its punctuation becomes spaces.
    project.write(
        "content/audiences/team.md",
        "+++\ntitle = \"Équipe <x@evil.example>, \\\"B\\\": ;\"\nrecipients = [\"dev@example.com\"]\n+++\n",
    );
    let eml = project.run(team).assert_ok().stdout.clone();
    let to = Mail::parse(&eml).header("To").to_string();
    assert!(to.starts_with("=?utf-8?") && to.ends_with(" x evil example B : ;"), "{to}");
    assert_eq!(to.matches(':').count(), 1, "{to}");
}

#[test]
fn a_refused_login_ends_the_run_at_once() {
    let server = SmtpServer::start("starttls");
    let project = project(server.port, "starttls", &["dev@example.com", "lead@example.com", "qa@example.com"]);
    let run =
        project.run_env(&["send", "--week", "2025-W34"], &[("QA_SMTP_USER", "qa"), ("QA_SMTP_PASSWORD", "wrong-pass")]);
    run.assert_fails()
        .assert_stderr("to po@example.com (audience `sponsors`) failed: permanent error (535)")
        .assert_stderr("(the server rejected the username or password)")
        .assert_stderr("nothing more is tried in this run");
    assert_eq!(server.logins(), ["qa"], "one failed login, not one per recipient");
    assert!(server.attempts().is_empty() && server.messages().is_empty());
    assert_eq!(run.stderr.matches("not tried, the server refused the login").count(), 3, "{}", run.stderr);
    assert_eq!(run.stderr.matches("failed:").count(), 1, "{}", run.stderr);
    assert!(!project.path().join(".statuspress/sent.toml").exists(), "nothing recorded");
}

#[test]
fn send_right_after_init_picks_the_week_report_picks() {
    let dir = tempfile::tempdir().unwrap();
    let init = common::Run::from(common::statuspress().arg("init").arg(dir.path()).output().expect("init"));
    init.assert_ok();
    let config = dir.path().join("statuspress.toml");
    let mut text = std::fs::read_to_string(&config).unwrap();
    text.push_str("\n[email]\nfrom = \"QA <qa@example.com>\"\n[email.smtp]\nhost = \"localhost\"\n");
    std::fs::write(&config, text).unwrap();
    let run = |args: &[&str]| {
        common::Run::from(common::statuspress().arg("--root").arg(dir.path()).args(args).output().expect("run"))
    };
    let report = run(&["report"]);
    report.assert_ok();
    let week = report.stderr.split("report ").nth(1).and_then(|r| r.split(' ').next()).expect("the week").to_string();
    assert!(week.starts_with("20") && week.contains("-W"), "{}", report.stderr);
    run(&["send", "--dry-run"]).assert_ok().assert_stderr(&format!(
        "skipped {week} for team@example.com (team): dry run: would send “[Release plan] Week {week}"
    ));
}
