//! `statuspress notify` against real local HTTP servers that answer like Slack, Teams,
//! Mattermost, a signed webhook receiver, GitHub's and GitLab's REST APIs: every request is
//! recorded, and a receiver can be told to answer 500, 429 with `Retry-After`, 404, or
//! nothing at all.

mod common;

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use common::Project;
use serde_json::{Value, json};

/// One request as the server read it.
#[derive(Debug, Clone)]
struct Recorded {
    method: String,
    path: String,
    headers: Vec<(String, String)>,
    body: String,
}

impl Recorded {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    fn json(&self) -> Value {
        common::strict_json(&self.body)
    }
}

/// What the server does with the next request on a path: a scripted failure, else the
/// normal answer of the API it plays.
#[derive(Debug, Clone)]
enum Scripted {
    Status(u16),
    /// 429 with this `Retry-After` (seconds or an HTTP-date).
    RetryAfter(String),
    Silence,
    /// A whole 200 reply, then the connection held open for 3 s.
    Linger,
    /// 200 with this body (a proxy's login page, say).
    Body(String),
}

/// A receiver on 127.0.0.1 that plays every API at once, by path: `/slack`, `/teams`,
/// `/mattermost`, `/hook`, `/github/…` (GitHub's REST API) and `/gitlab/api/v4/…`.
struct Receiver {
    port: u16,
    requests: Arc<Mutex<Vec<Recorded>>>,
    script: Script,
    comments: Comments,
}

/// Scripted answers by path prefix.
type Script = Arc<Mutex<Vec<(String, VecDeque<Scripted>)>>>;

/// Issue comments kept by the fake GitHub and GitLab: (API, id, body); ids count across both.
type Comments = Arc<Mutex<Vec<(String, u64, String)>>>;

impl Receiver {
    fn start() -> Receiver {
        Receiver::listen(None)
    }

    /// The same receiver over TLS, with the test CA's certificate for `localhost`.
    fn start_tls() -> Receiver {
        use rustls::pki_types::pem::PemObject as _;
        use rustls::pki_types::{CertificateDer, PrivateKeyDer};
        let dir = common::smtp::toolkit();
        let certs: Vec<CertificateDer<'static>> =
            CertificateDer::pem_file_iter(dir.join("server.pem")).unwrap().map(Result::unwrap).collect();
        let key = PrivateKeyDer::from_pem_file(dir.join("server.key")).unwrap();
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(certs, key)
            .unwrap();
        Receiver::listen(Some(Arc::new(config)))
    }

    /// A receiver on a free loopback port, each connection served on a thread of its own
    /// (over TLS with `tls`).
    fn listen(tls: Option<Arc<rustls::ServerConfig>>) -> Receiver {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let script: Script = Arc::new(Mutex::new(Vec::new()));
        let comments: Comments = Arc::new(Mutex::new(Vec::new()));
        let (r, s, kept) = (requests.clone(), script.clone(), comments.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (r, s, c, tls) = (r.clone(), s.clone(), comments.clone(), tls.clone());
                std::thread::spawn(move || match tls {
                    None => serve(stream, &r, &s, &c),
                    Some(config) => {
                        let tls = rustls::StreamOwned::new(rustls::ServerConnection::new(config).unwrap(), stream);
                        serve(tls, &r, &s, &c);
                    }
                });
            }
        });
        Receiver { port, requests, script, comments: kept }
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// The next requests on paths starting with `prefix` get these answers, in order.
    fn script(&self, prefix: &str, answers: &[Scripted]) {
        self.script.lock().unwrap().push((prefix.to_string(), answers.iter().cloned().collect()));
    }

    fn on(&self, prefix: &str) -> Vec<Recorded> {
        self.requests.lock().unwrap().iter().filter(|r| r.path.starts_with(prefix)).cloned().collect()
    }

    /// Someone deletes comment `id` on the issue.
    fn delete_comment(&self, id: u64) {
        self.comments.lock().unwrap().retain(|(_, i, _)| *i != id);
    }

    fn clear(&self) {
        self.requests.lock().unwrap().clear();
    }
}

fn serve(
    stream: impl Read + Write,
    requests: &Mutex<Vec<Recorded>>,
    script: &Mutex<Vec<(String, VecDeque<Scripted>)>>,
    comments: &Comments,
) {
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    if reader.read_line(&mut line).is_err() || line.is_empty() {
        return;
    }
    let mut parts = line.split_whitespace();
    let (method, path) = (parts.next().unwrap_or("").to_string(), parts.next().unwrap_or("").to_string());
    let mut headers = Vec::new();
    loop {
        let mut h = String::new();
        reader.read_line(&mut h).unwrap();
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        let (n, v) = h.split_once(':').unwrap();
        headers.push((n.trim().to_string(), v.trim().to_string()));
    }
    let length =
        headers.iter().find(|(n, _)| n.eq_ignore_ascii_case("content-length")).map_or(0, |(_, v)| v.parse().unwrap());
    let mut body = vec![0; length];
    reader.read_exact(&mut body).unwrap();
    let request = Recorded { method, path, headers, body: String::from_utf8(body).unwrap() };
    requests.lock().unwrap().push(request.clone());
    let scripted = script
        .lock()
        .unwrap()
        .iter_mut()
        .find(|(prefix, answers)| request.path.starts_with(prefix.as_str()) && !answers.is_empty())
        .and_then(|(_, answers)| answers.pop_front());
    let (status, extra, reply) = match scripted {
        Some(Scripted::Silence) => {
            std::thread::sleep(std::time::Duration::from_secs(3));
            return;
        }
        Some(Scripted::Status(code)) => (code, String::new(), json!({"message": "scripted"}).to_string()),
        Some(Scripted::RetryAfter(after)) => (429, format!("Retry-After: {after}\r\n"), "{}".into()),
        Some(Scripted::Body(body)) => (200, String::new(), body),
        Some(Scripted::Linger) => {
            let stream = reader.get_mut();
            let _ = write!(stream, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
            let _ = stream.flush();
            std::thread::sleep(std::time::Duration::from_secs(3));
            return;
        }
        None => api(&request, comments),
    };
    let stream = reader.get_mut();
    let _ = write!(
        stream,
        "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\n{extra}Connection: close\r\n\r\n{reply}",
        reply.len()
    );
    let _ = stream.flush();
}

/// The normal answer: chat and webhooks say ok; the issue APIs list, create and edit.
fn api(request: &Recorded, comments: &Comments) -> (u16, String, String) {
    let mut comments = comments.lock().unwrap();
    let path = request.path.split('?').next().unwrap();
    let service = path.split('/').nth(1).unwrap_or_default().to_string();
    let is_list = path.ends_with("/comments") || path.ends_with("/notes");
    match request.method.as_str() {
        "GET" if is_list => {
            let list: Vec<Value> = comments
                .iter()
                .filter(|(s, ..)| *s == service)
                .map(|(_, id, body)| json!({"id": id, "body": body}))
                .collect();
            (200, String::new(), Value::Array(list).to_string())
        }
        "POST" if is_list => {
            let id = 1000 + comments.len() as u64;
            comments.push((service, id, request.json()["body"].as_str().unwrap().to_string()));
            (201, String::new(), json!({"id": id}).to_string())
        }
        "PATCH" | "PUT" => {
            let id: u64 = path.rsplit('/').next().unwrap().parse().unwrap();
            match comments.iter_mut().find(|(s, i, _)| *s == service && *i == id) {
                Some(c) => {
                    c.2 = request.json()["body"].as_str().unwrap().to_string();
                    (200, String::new(), json!({"id": id}).to_string())
                }
                None => (404, String::new(), "{}".into()),
            }
        }
        _ => (200, String::new(), "ok".into()),
    }
}

const CHANNELS: &str = r#"channels = [
  { kind = "slack", url_env = "OPS_SLACK" },
  { kind = "teams", url_env = "OPS_TEAMS" },
  { kind = "mattermost", url_env = "OPS_MM" },
  { kind = "webhook", url_env = "OPS_HOOK", secret_env = "OPS_HOOK_SECRET" },
  { kind = "github", repo = "acme/platform", issue = 2, token_env = "OPS_GH_TOKEN" },
  { kind = "gitlab", project = "acme/platform", issue = 2, token_env = "OPS_GL_TOKEN" },
]"#;

const SECRET: &str = "hook-s3cret";

fn env(server: &Receiver) -> Vec<(&'static str, String)> {
    vec![
        ("OPS_SLACK", server.url("/slack")),
        ("OPS_TEAMS", server.url("/teams")),
        ("OPS_MM", server.url("/mattermost")),
        ("OPS_HOOK", server.url("/hook")),
        ("OPS_HOOK_SECRET", SECRET.into()),
        ("OPS_GH_TOKEN", "gh-t0ken".into()),
        ("OPS_GL_TOKEN", "gl-t0ken".into()),
        ("WEEKLY_SLACK", server.url("/weekly")),
    ]
}

fn milestone(end: &str) -> String {
    format!("+++\ntitle = \"Production launch\"\nrelease = true\nend = {end}\n+++\n")
}

fn gate(title: &str, status: &str) -> String {
    format!("+++\ntitle = \"{title}\"\ngroup = \"Release\"\nstatus = \"{status}\"\n+++\n")
}

/// Three weekly tags: w1; w2 moves the release milestone by 7 days; w3 passes the last
/// gates (GO). An immediate audience with every channel, and a weekly one with Slack.
fn three_weeks(server: &Receiver) -> Project {
    let config = format!(
        "[site]\nbase_url = \"https://status.example.com/plan/\"\n\n[notify]\ngithub_api_url = \"{}\"\ngitlab_url = \"{}\"\nretry_delay_ms = 10\ntimeout_secs = 1\n",
        server.url("/github"),
        server.url("/gitlab")
    );
    let project = Project::new(&[
        ("statuspress.toml", &config),
        ("content/plan.md", "+++\ntitle = \"Platform\"\nstart = 2025-08-11\n+++\nSummary.\n"),
        ("content/milestones/launch.md", &milestone("2025-09-05")),
        ("content/gates/g-1.md", &gate("Security validation", "passed")),
        ("content/gates/g-2.md", &gate("Load testing", "pending")),
        ("content/audiences/ops.md", &format!("+++\ntitle = \"Ops\"\ncadence = \"immediate\"\n{CHANNELS}\n+++\n")),
        (
            "content/audiences/sponsors.md",
            "+++\ntitle = \"Sponsors\"\ncadence = \"weekly\"\nchannels = [{ kind = \"slack\", url_env = \"WEEKLY_SLACK\" }]\n+++\n",
        ),
    ]);
    project.git_init();
    project.revision("w1", "2025-08-12", "Zoe", "Week 1");
    project.write("content/milestones/launch.md", &milestone("2025-09-12"));
    project.revision("w2", "2025-08-19", "Zoe", "Week 2: load tests slip a week");
    project.write("content/gates/g-2.md", &gate("Load testing", "passed"));
    project.revision("w3", "2025-08-26", "Zoe", "Week 3: all gates passed");
    project
}

fn notify(project: &Project, server: &Receiver, args: &[&str]) -> common::Run {
    let mut all = vec!["notify", "--as-of", "2025-09-10"];
    all.extend_from_slice(args);
    let env = env(server);
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    project.run_env(&all, &env)
}

fn verify(signature: &str, body: &str) -> bool {
    let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, SECRET.as_bytes());
    let hex = signature.strip_prefix("sha256=").unwrap_or("");
    let bytes: Vec<u8> =
        (0..hex.len()).step_by(2).filter_map(|i| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok()).collect();
    ring::hmac::verify(&key, body.as_bytes(), &bytes).is_ok()
}

#[test]
fn an_immediate_audience_hears_of_the_slip_and_the_go_on_every_channel_once() {
    let server = Receiver::start();
    let project = three_weeks(&server);
    let run = notify(&project, &server, &["--since", "w1"]);
    run.assert_ok();
    assert!(!run.stderr.contains("gh-t0ken") && !run.stderr.contains(SECRET), "{}", run.stderr);

    // Slack: Block Kit, one message per revision with outlook events (w2 slip, w3 GO), then
    // w3's certification.
    let slack = server.on("/slack");
    assert_eq!(slack.len(), 3, "{slack:?}");
    let w2 = slack[0].json();
    assert_eq!(w2["blocks"][0]["type"], "header");
    assert_eq!(w2["blocks"][0]["text"]["type"], "plain_text");
    assert_eq!(w2["blocks"][1]["type"], "section");
    assert_eq!(w2["blocks"][1]["text"]["type"], "mrkdwn");
    let events = w2["blocks"][2]["text"]["text"].as_str().unwrap();
    assert!(events.contains("Ship date moved 2025-09-05 → 2025-09-12, +7 days"), "{events}");
    let w3 = slack[1].json().to_string();
    assert!(w3.contains("Readiness NO-GO → GO"), "{w3}");
    let certified = slack[2].json()["blocks"].to_string();
    assert!(certified.contains("Certified GO at w3 (2025-08-26)."), "{certified}");
    assert!(certified.contains("Gate Load testing: passed in w3 (2025-08-26)"), "{certified}");
    assert_eq!(slack[0].header("Content-Type"), Some("application/json"));

    // Teams: an Adaptive Card in a workflow message.
    let teams = server.on("/teams")[0].json();
    assert_eq!(teams["type"], "message");
    let attachment = &teams["attachments"][0];
    assert_eq!(attachment["contentType"], "application/vnd.microsoft.card.adaptive");
    assert_eq!(attachment["content"]["type"], "AdaptiveCard");
    assert_eq!(attachment["content"]["version"], "1.4");
    // Record text in text runs, which read no markdown.
    assert_eq!(attachment["content"]["body"][0]["type"], "RichTextBlock");
    assert_eq!(attachment["content"]["body"][0]["inlines"][0]["text"], "Platform: NO-GO");
    assert_eq!(attachment["content"]["actions"][0]["url"], "https://status.example.com/plan/");

    // Mattermost: Slack-compatible text.
    let mm = server.on("/mattermost")[0].json();
    assert!(mm["text"].as_str().unwrap().contains("2025-09-12"), "{mm}");

    // The webhook: the notice as data, signed; the receiver checks the signature.
    let hooks = server.on("/hook");
    assert_eq!(hooks.len(), 3);
    for hook in &hooks {
        assert!(
            verify(hook.header("X-Statuspress-Signature-256").unwrap(), &hook.body),
            "bad signature on {}",
            hook.body
        );
    }
    let data = hooks[0].json();
    let event = &data["notice"]["events"][0];
    assert_eq!(
        (event["kind"].as_str(), event["from"].as_str(), event["to"].as_str()),
        (Some("ship-date-moved"), Some("2025-09-05"), Some("2025-09-12"))
    );
    assert_eq!(event["record"]["id"], "launch");
    assert_eq!(event["record"]["url"], "https://status.example.com/plan/milestones/launch.html");
    assert_eq!(hooks[1].json()["notice"]["events"][0]["kind"], "readiness");
    assert_eq!(hooks[2].json()["notice"]["period"], "certified w3");
    assert!(
        !verify(hooks[0].header("X-Statuspress-Signature-256").unwrap(), &hooks[1].body),
        "a signature is of its own body"
    );

    // GitHub: one comment per immediate message and the certification, then the status
    // comment (listed first, not found, created).
    let gh = server.on("/github");
    let calls: Vec<(String, String)> = gh.iter().map(|r| (r.method.clone(), r.path.clone())).collect();
    assert_eq!(
        calls,
        [
            ("POST".into(), "/github/repos/acme/platform/issues/2/comments".into()),
            ("POST".into(), "/github/repos/acme/platform/issues/2/comments".into()),
            ("POST".into(), "/github/repos/acme/platform/issues/2/comments".into()),
            ("GET".into(), "/github/repos/acme/platform/issues/2/comments?per_page=100&page=1".into()),
            ("POST".into(), "/github/repos/acme/platform/issues/2/comments".into()),
        ]
    );
    assert!(gh.iter().all(|r| r.header("Authorization") == Some("Bearer gh-t0ken")));
    assert!(gh.iter().all(|r| r.header("Accept") == Some("application/vnd.github+json")));
    let status = gh[4].json()["body"].as_str().unwrap().to_string();
    assert!(status.starts_with("<!-- statuspress:status ops -->\n**Platform: GO**"), "{status}");

    // GitLab: the same as notes, with the project path as one encoded segment.
    let gl = server.on("/gitlab");
    assert_eq!(gl[0].path, "/gitlab/api/v4/projects/acme%2Fplatform/issues/2/notes");
    assert!(gl.iter().all(|r| r.header("PRIVATE-TOKEN") == Some("gl-t0ken")));

    // A weekly audience hears nothing from notify: its weekly report (`send`) tells it all.
    let weekly = server.on("/weekly");
    assert!(weekly.is_empty(), "{weekly:?}");
    assert!(project.read(".statuspress/sent.toml").contains("[[notified]]"));

    // A second run delivers nothing.
    server.clear();
    notify(&project, &server, &[]).assert_ok().assert_stderr("nothing to notify");
    assert!(server.on("/").is_empty(), "{:?}", server.on("/"));

    // A new revision without outlook events: no message, but the status comment is edited.
    project.write("content/plan.md", "+++\ntitle = \"Platform\"\nstart = 2025-08-11\n+++\nShipping.\n");
    project.revision("w4", "2025-09-02", "Zoe", "Week 4");
    server.clear();
    notify(&project, &server, &[]).assert_ok();
    assert!(server.on("/slack").is_empty() && server.on("/hook").is_empty());
    let gh: Vec<(String, String)> = server.on("/github").iter().map(|r| (r.method.clone(), r.path.clone())).collect();
    // Edited by the id the ledger kept when it was made: no listing, and no comment someone
    // else starts with the marker is taken for it.
    assert_eq!(gh, [("PATCH".into(), "/github/repos/acme/platform/issues/comments/1003".into())]);
    let gl: Vec<String> = server.on("/gitlab").iter().map(|r| format!("{} {}", r.method, r.path)).collect();
    assert_eq!(gl, ["PUT /gitlab/api/v4/projects/acme%2Fplatform/issues/2/notes/1007"]);
    assert!(project.read(".statuspress/sent.toml").contains("comment = \"1003\""));
}

#[test]
fn a_500_is_retried_and_a_404_fails_naming_the_channel_while_the_others_deliver() {
    let server = Receiver::start();
    let project = three_weeks(&server);
    server.script("/slack", &[Scripted::Status(500)]);
    server.script("/hook", &[Scripted::RetryAfter("1".into())]);
    server.script("/teams", &[Scripted::Status(404)]);
    let run = notify(&project, &server, &["--since", "w2"]);
    run.assert_fails().assert_stderr("notifying teams (OPS_TEAMS) (audience `ops`) failed: HTTP 404");
    // w3's notice (sent twice: the 500 was retried) and its certification.
    assert_eq!(server.on("/slack").len(), 3, "the 500 was retried");
    assert_eq!(server.on("/slack")[0].body, server.on("/slack")[1].body);
    assert_eq!(server.on("/hook").len(), 3, "the 429 was retried after its Retry-After");
    assert_eq!(server.on("/teams").len(), 1, "a 404 is final");
    assert_eq!(server.on("/mattermost").len(), 2);
    // The rerun sends only what the 404 kept back: w3's notice and its certification.
    server.clear();
    notify(&project, &server, &[]).assert_ok();
    assert_eq!((server.on("/teams").len(), server.on("/slack").len()), (2, 0));
}

#[test]
fn two_audiences_on_one_issue_each_keep_a_status_comment_of_their_own() {
    let server = Receiver::start();
    let project = three_weeks(&server);
    let github = r#"channels = [{ kind = "github", repo = "acme/platform", issue = 2, token_env = "OPS_GH_TOKEN" }]"#;
    project.write(
        "content/audiences/leads.md",
        &format!("+++\ntitle = \"Leads\"\ncadence = \"milestone\"\n{github}\n+++\n"),
    );
    project.revision("w4", "2025-08-27", "Zoe", "Leads hear of milestones");
    let status_posts = |server: &Receiver| -> Vec<String> {
        let bodies = server.on("/github").into_iter().filter(|r| r.method == "POST");
        let bodies = bodies.map(|r| r.json()["body"].as_str().unwrap().to_string());
        bodies
            .filter(|b| b.starts_with("<!-- statuspress:status"))
            .map(|b| b.lines().next().unwrap().to_string())
            .collect()
    };
    notify(&project, &server, &["--since", "w1"]).assert_ok();
    assert_eq!(
        status_posts(&server),
        ["<!-- statuspress:status leads -->", "<!-- statuspress:status ops -->"],
        "one status comment each (audiences by id)"
    );
    server.clear();
    project.write("content/gates/g-2.md", &gate("Load testing", "failed"));
    project.revision("w5", "2025-09-02", "Zoe", "Load tests fail again");
    notify(&project, &server, &[]).assert_ok();
    assert!(status_posts(&server).is_empty(), "neither is posted again");
    let edits: Vec<(String, String)> = server
        .on("/github")
        .into_iter()
        .filter(|r| r.method == "PATCH")
        .map(|r| (r.path.clone(), r.json()["body"].as_str().unwrap().lines().next().unwrap().to_string()))
        .collect();
    assert_eq!(edits.len(), 2, "{edits:?}");
    assert_ne!(edits[0].0, edits[1].0, "each edits its own comment: {edits:?}");
    let mut markers: Vec<&str> = edits.iter().map(|(_, m)| m.as_str()).collect();
    markers.sort();
    assert_eq!(markers, ["<!-- statuspress:status leads -->", "<!-- statuspress:status ops -->"]);
}

#[test]
fn a_deleted_status_comment_is_made_again() {
    let server = Receiver::start();
    let project = three_weeks(&server);
    notify(&project, &server, &["--since", "w1"]).assert_ok();
    server.delete_comment(1003);
    project.write("content/plan.md", "+++\ntitle = \"Platform\"\nstart = 2025-08-11\n+++\nShipping.\n");
    project.revision("w4", "2025-09-02", "Zoe", "Week 4");
    server.clear();
    notify(&project, &server, &[]).assert_ok();
    let gh: Vec<String> = server.on("/github").iter().map(|r| format!("{} {}", r.method, r.path)).collect();
    assert_eq!(
        gh,
        [
            "PATCH /github/repos/acme/platform/issues/comments/1003",
            "GET /github/repos/acme/platform/issues/2/comments?per_page=100&page=1",
            "POST /github/repos/acme/platform/issues/2/comments",
        ],
        "the kept id is gone (404), no marked comment is found, a new one is made"
    );
    let ledger = project.read(".statuspress/sent.toml");
    assert!(!ledger.contains("comment = \"1003\""), "the ledger keeps the new comment's id:\n{ledger}");
}

#[test]
fn a_comment_list_that_is_not_json_fails_instead_of_posting_a_second_status_comment() {
    let server = Receiver::start();
    let project = three_weeks(&server);
    let list = "/github/repos/acme/platform/issues/2/comments?";
    server.script(list, &[Scripted::Body("<html>Sign in to the proxy</html>".into())]);
    let run = notify(&project, &server, &["--since", "w2"]);
    run.assert_fails().assert_stderr("the list of comments is not JSON");
    let status_posts = server
        .on("/github")
        .iter()
        .filter(|r| {
            r.method == "POST" && r.json()["body"].as_str().unwrap().starts_with("<!-- statuspress:status ops -->")
        })
        .count();
    assert_eq!(status_posts, 0, "no status comment is posted blind");
    // Once the list reads again, the one status comment is made.
    notify(&project, &server, &[]).assert_ok();
    let marked =
        |r: &&Recorded| r.json()["body"].as_str().is_some_and(|b| b.starts_with("<!-- statuspress:status ops -->"));
    assert_eq!(server.on("/github").iter().filter(|r| r.method == "POST").filter(marked).count(), 1);
}

#[test]
fn a_retry_after_date_is_waited_for_and_one_past_the_cap_fails_at_once() {
    let server = Receiver::start();
    let project = three_weeks(&server);
    let in_secs =
        |s: i64| (chrono::Utc::now() + chrono::Duration::seconds(s)).format("%a, %d %b %Y %H:%M:%S GMT").to_string();
    server.script("/hook", &[Scripted::RetryAfter(in_secs(3))]);
    server.script("/slack", &[Scripted::RetryAfter(in_secs(7200))]);
    let started = std::time::Instant::now();
    let run = notify(&project, &server, &["--since", "w2"]);
    run.assert_fails().assert_stderr("it asks to be retried in 7");
    assert!(started.elapsed() >= std::time::Duration::from_secs(1), "the date was waited for: {:?}", started.elapsed());
    assert_eq!(server.on("/hook").len(), 3, "retried once the date came, then the certification");
    assert_eq!(server.on("/slack").len(), 1, "two hours is past the cap: no retry");
}

#[test]
fn a_receiver_that_never_answers_times_out_and_fails() {
    let server = Receiver::start();
    let project = three_weeks(&server);
    server.script("/mattermost", &[Scripted::Silence, Scripted::Silence, Scripted::Silence, Scripted::Silence]);
    // A server that keeps the connection open after a whole reply is not waited for.
    server.script("/slack", &[Scripted::Linger]);
    let run = notify(&project, &server, &["--since", "w2", "--audience", "ops"]);
    run.assert_fails().assert_stderr("notifying mattermost (OPS_MM) (audience `ops`) failed: tried 4 times");
    assert_eq!(server.on("/slack").len(), 2, "w3 and its certification, each at the first try");
    run.assert_stderr("sent message for w3 to slack (OPS_SLACK)");
}

#[test]
fn a_dry_run_connects_to_nothing_and_says_what_would_go_where() {
    let server = Receiver::start();
    let project = three_weeks(&server);
    // Uncommitted work is nobody's news yet.
    project.write("content/gates/g-2.md", &gate("Load testing", "failed"));
    let run = notify(&project, &server, &["--since", "w1", "--dry-run", "--format", "json"]);
    run.assert_ok();
    assert!(server.on("/").is_empty());
    let plan = common::strict_json(&run.stdout);
    let first = &plan[0];
    assert_eq!(
        (first["status"].as_str(), first["channel"].as_str(), first["period"].as_str()),
        (Some("would send"), Some("slack (OPS_SLACK)"), Some("w2"))
    );
    assert_eq!(first["events"], json!(["ship-date-moved"]));
    assert!(!run.stdout.contains("gate-failed") && !run.stdout.contains("\"working\""), "{}", run.stdout);
    assert!(!project.path().join(".statuspress/sent.toml").exists());
}

#[test]
fn a_damaged_ledger_sends_nothing() {
    let server = Receiver::start();
    let project = three_weeks(&server);
    project.write(".statuspress/sent.toml", "[[notified]]\naudience = \"ops\"\nchannel = 3\n");
    notify(&project, &server, &["--since", "w1"]).assert_fails().assert_stderr(".statuspress/sent.toml:3");
    assert!(server.on("/").is_empty());
}

#[test]
fn plain_http_to_another_host_is_refused() {
    let server = Receiver::start();
    let project = three_weeks(&server);
    let run = project.run_env(
        &["notify", "--as-of", "2025-09-10", "--since", "w2", "--audience", "ops"],
        &[("OPS_SLACK", "http://hooks.example.com/x")],
    );
    run.assert_fails()
        .assert_stderr("notifying slack (OPS_SLACK) (audience `ops`) failed: plain http:// to `hooks.example.com`");
    run.assert_stderr("`OPS_TEAMS`, which is not set");
}

#[test]
fn the_old_channel_field_says_what_replaces_it() {
    let project = common::Project::base_with(&[(
        "content/audiences/team.md",
        "+++\ntitle = \"Team\"\nchannel = \"slack\"\n+++\n",
    )]);
    project
        .run(&["check"])
        .assert_fails()
        .assert_stderr("content/audiences/team.md:3")
        .assert_stderr("`channel = \"slack\"` is no longer read")
        .assert_stderr("channels = [{ kind = \"slack\"");
}

fn hook_audience(id: &str, lines: &str) -> (String, String) {
    let channel = format!(
        "channels = [{{ kind = \"webhook\", url_env = \"{}\", secret_env = \"OPS_HOOK_SECRET\" }}]",
        id.to_uppercase()
    );
    (format!("content/audiences/{id}.md"), format!("+++\ntitle = \"{id}\"\n{lines}\n{channel}\n+++\n"))
}

fn kinds(request: &Recorded) -> Vec<String> {
    request.json()["notice"]["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn daily_milestone_and_filtered_audiences_and_an_external_one_that_never_hears_a_secret() {
    let server = Receiver::start();
    let project = three_weeks(&server);
    for (path, text) in [
        hook_audience("daily", "cadence = \"daily\""),
        hook_audience("gates", "cadence = \"milestone\"\nevents = [\"gate-passed\"]"),
        hook_audience("partners", "cadence = \"immediate\"\nexternal = true"),
    ] {
        project.write(&path, &text);
    }
    project.write(
        "content/blockers/B-7.md",
        "+++\ntitle = \"Vendor breach\"\nseverity = \"critical\"\nstatus = \"open\"\nconfidential = true\n+++\n",
    );
    project.revision("w4", "2025-09-02", "Zoe", "Week 4");
    let env = [
        ("DAILY", server.url("/daily")),
        ("GATES", server.url("/gates")),
        ("PARTNERS", server.url("/partners")),
        ("OPS_HOOK_SECRET", SECRET.to_string()),
    ];
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    for audience in ["daily", "gates", "partners"] {
        project
            .run_env(&["notify", "--as-of", "2025-09-10", "--since", "w1", "--audience", audience], &env)
            .assert_ok();
    }
    // Daily: one digest per day with changes, every kind of event.
    let daily = server.on("/daily");
    let periods: Vec<String> =
        daily.iter().map(|r| r.json()["notice"]["period"].as_str().unwrap().to_string()).collect();
    assert_eq!(periods, ["2025-08-19 w2", "2025-08-26 w3", "certified w3", "2025-09-02 w4"]);
    assert_eq!(kinds(&daily[1]), ["readiness", "gate-passed"]);
    assert_eq!(
        kinds(&daily[3]),
        ["readiness", "health", "blocker-opened"],
        "internal audiences hear of confidential records"
    );
    // Milestone cadence narrowed to gates passing; the certification comes whatever the filter.
    let gates = server.on("/gates");
    assert_eq!(gates.len(), 2);
    assert_eq!(kinds(&gates[0]), ["gate-passed"]);
    assert_eq!(gates[1].json()["notice"]["period"], "certified w3");
    // The external immediate audience: the slip, the GO, its certification and the flip
    // back, never the confidential blocker that flipped it.
    let partners = server.on("/partners");
    assert_eq!(
        partners.iter().map(kinds).collect::<Vec<_>>(),
        [vec!["ship-date-moved"], vec!["readiness"], vec!["gate-passed", "gate-passed"], vec!["readiness"]]
    );
    assert!(partners.iter().all(|r| !r.body.contains("Vendor breach") && !r.body.contains("B-7")));
    assert!(partners[3].body.contains("confidential record"), "{}", partners[3].body);
}

#[test]
fn each_plan_of_a_portfolio_tells_its_own_audiences_with_its_own_ledger() {
    let server = Receiver::start();
    let project = Project::new(&[]);
    let init = common::statuspress().args(["init", "--portfolio"]).arg(project.path()).output().unwrap();
    assert!(init.status.success(), "{}", String::from_utf8_lossy(&init.stderr));
    let (_, audience) = hook_audience("ops", "cadence = \"milestone\"");
    project.write("plans/qa/content/audiences/ops.md", &audience);
    project.git_init();
    project.revision("w1", "2025-08-12", "Zoe", "Week 1");
    let gate = project.read("plans/qa/content/gates/g-regression.md");
    project.write(
        "plans/qa/content/gates/g-regression.md",
        &gate.replace("group = \"Release\"", "group = \"Release\"\nstatus = \"passed\""),
    );
    project.revision("w2", "2025-08-19", "Zoe", "Week 2");
    let env = [("OPS", server.url("/hook")), ("OPS_HOOK_SECRET", SECRET.to_string())];
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    project.run_env(&["notify", "--as-of", "2025-09-10", "--since", "w1"], &env).assert_ok();
    let hooks = server.on("/hook");
    assert_eq!(hooks.len(), 1);
    assert!(kinds(&hooks[0]).contains(&"gate-passed".to_string()), "{}", hooks[0].body);
    assert!(project.read("plans/qa/.statuspress/sent.toml").contains("[[notified]]"));
    project
        .run_env(&["notify", "--as-of", "2025-09-10", "--audience", "nobody"], &env)
        .assert_fails()
        .assert_stderr("no audience `nobody`");
}

#[test]
fn https_with_the_configured_ca_delivers_and_an_unknown_issuer_fails_naming_tls() {
    let server = Receiver::start_tls();
    let hook = format!("https://localhost:{}/hook", server.port);
    let project = Project::new(&[
        ("content/plan.md", "+++\ntitle = \"Platform\"\n+++\n"),
        ("content/gates/g-1.md", &gate("Security validation", "pending")),
        ("content/audiences/ops.md", &hook_audience("ops", "cadence = \"immediate\"").1),
    ]);
    project.git_init();
    project.revision("w1", "2025-08-12", "Zoe", "Week 1");
    project.write("content/gates/g-1.md", &gate("Security validation", "failed"));
    project.revision("w2", "2025-08-19", "Zoe", "Week 2");
    let env = [("OPS", hook.as_str()), ("OPS_HOOK_SECRET", SECRET)];
    let config = "[notify]\nretries = 2\nretry_delay_ms = 10\ntimeout_secs = 2\n";
    project.write("statuspress.toml", config);
    let untrusted = project.run_env(&["notify", "--as-of", "2025-09-10"], &env);
    // Not retried: a certificate fails the same way every time.
    untrusted
        .assert_fails()
        .assert_stderr("notifying webhook (OPS) (audience `ops`) failed: TLS: invalid peer certificate: UnknownIssuer");
    assert!(server.on("/").is_empty(), "nothing reaches a receiver that TLS did not verify");
    let ca = common::smtp::toolkit().join("ca.pem");
    project.write("statuspress.toml", &format!("{config}ca_file = \"{}\"\n", ca.display()));
    project.run_env(&["notify", "--as-of", "2025-09-10"], &env).assert_ok();
    let hooks = server.on("/hook");
    assert_eq!(hooks.len(), 1);
    assert!(verify(hooks[0].header("X-Statuspress-Signature-256").unwrap(), &hooks[0].body));
    assert_eq!(kinds(&hooks[0]), ["gate-failed"]);
}

#[test]
fn an_audience_hears_of_the_certification_once_whatever_events_it_asked_for() {
    let server = Receiver::start();
    let project = three_weeks(&server);
    // A milestone audience that asked for no event that happens: the certification still comes.
    let (path, text) = hook_audience("board", "cadence = \"milestone\"\nevents = [\"milestone-missed\"]");
    project.write(&path, &text);
    project.revision("w4", "2025-09-02", "Zoe", "Week 4: the board joins");
    let env = [("BOARD", server.url("/board")), ("OPS_HOOK_SECRET", SECRET.to_string())];
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let args = ["notify", "--as-of", "2025-09-10", "--since", "w1", "--audience", "board"];
    project.run_env(&args, &env).assert_ok();
    let board = server.on("/board");
    assert_eq!(board.len(), 1, "{board:?}");
    assert!(verify(board[0].header("X-Statuspress-Signature-256").unwrap(), &board[0].body));
    let notice = &board[0].json()["notice"];
    assert_eq!(notice["period"], "certified w3");
    assert_eq!(notice["lead"][0], "Certified GO at w3 (2025-08-26).");
    assert_eq!(notice["url"], "https://status.example.com/plan/revisions/w3/certification.html");
    let texts: Vec<&str> = notice["events"].as_array().unwrap().iter().map(|e| e["text"].as_str().unwrap()).collect();
    assert_eq!(
        texts,
        ["Gate Security validation: passed in w1 (2025-08-12)", "Gate Load testing: passed in w3 (2025-08-26)"]
    );
    assert_eq!(kinds(&board[0]), ["gate-passed", "gate-passed"]);
    // Exactly once: a rerun, with or without --since, delivers nothing more.
    server.clear();
    project.run_env(&args, &env).assert_ok();
    project.run_env(&["notify", "--as-of", "2025-09-10", "--audience", "board"], &env).assert_ok();
    assert!(server.on("/board").is_empty(), "{:?}", server.on("/board"));
}

/// `[email]` for the real SMTP server of tests/send.rs, with its login in the environment.
fn email_settings(port: u16) -> String {
    format!(
        "\n[email]\nfrom = \"QA Orchestrator <qa@example.com>\"\nsubject_prefix = \"[QA plan]\"\n\n[email.smtp]\nhost = \"localhost\"\nport = {port}\nsecurity = \"starttls\"\nusername_env = \"QA_SMTP_USER\"\npassword_env = \"QA_SMTP_PASSWORD\"\nca_file = \"{}\"\nretry_delay_ms = 10\n",
        common::smtp::toolkit().join("ca.pem").display()
    )
}

#[test]
fn an_audience_with_only_recipients_is_told_by_real_mail_once_and_an_external_one_no_secret() {
    use common::smtp::{Mail, SmtpServer};
    let (receiver, smtp) = (Receiver::start(), SmtpServer::start("starttls"));
    let project = three_weeks(&receiver);
    project.write("statuspress.toml", &(project.read("statuspress.toml") + &email_settings(smtp.port)));
    let leads = "+++\ntitle = \"Leads\"\ncadence = \"immediate\"\nrecipients = [\"lead@example.com\", \"cto@example.com\"]\n+++\n";
    let partners = "+++\ntitle = \"Partners\"\ncadence = \"immediate\"\nexternal = true\nrecipients = [\"partner@example.org\"]\n+++\n";
    project.write("content/audiences/leads.md", leads);
    project.write("content/audiences/partners.md", partners);
    let sponsors = project.read("content/audiences/sponsors.md");
    project
        .write("content/audiences/sponsors.md", &sponsors.replace("+++\n", "+++\nrecipients = [\"po@example.com\"]\n"));
    project.write(
        "content/blockers/B-7.md",
        "+++\ntitle = \"Vendor breach\"\nseverity = \"critical\"\nstatus = \"open\"\nconfidential = true\n+++\n",
    );
    project.revision("w4", "2025-09-02", "Zoe", "Week 4");
    let env = [("QA_SMTP_USER", "qa"), ("QA_SMTP_PASSWORD", "s3cret-pass")];
    let run = |audience: &str| {
        project.run_env(&["notify", "--as-of", "2025-09-10", "--since", "w1", "--audience", audience], &env)
    };
    run("leads").assert_ok().assert_stderr("sent message for w2 to email lead@example.com (leads)");
    run("partners").assert_ok();
    run("sponsors").assert_ok().assert_stderr("nothing to notify");

    // Each recipient its own message per notice: the slip, the GO, its certification, the flip back.
    let messages = smtp.messages();
    let to = |who: &str| messages.iter().filter(|(_, r)| r == who).map(|(raw, _)| Mail::parse(raw)).collect::<Vec<_>>();
    let (lead, cto, partner) = (to("lead@example.com"), to("cto@example.com"), to("partner@example.org"));
    assert_eq!((lead.len(), cto.len(), partner.len()), (4, 4, 4), "{messages:?}");
    assert!(to("po@example.com").is_empty(), "a weekly audience hears nothing from notify");
    let slip = &lead[0];
    assert_eq!(slip.header("To"), "lead@example.com");
    assert_eq!(slip.header("Message-ID"), "<notice.leads.w2@example.com>");
    assert_eq!(slip.header("Subject"), "[QA plan] NO-GO: 1 release gate pending (Load testing).");
    assert!(slip.header("Content-Type").starts_with("multipart/alternative"));
    let (text, html) = (slip.part("text/plain"), slip.part("text/html"));
    assert!(text.contains("Ship date moved 2025-09-05 → 2025-09-12, +7 days"), "{text}");
    assert!(html.contains("Ship date moved 2025-09-05 → 2025-09-12, +7 days") && html.contains("style=\""), "{html}");
    assert!(lead[2].header("Subject").contains("Certified GO at w3 (2025-08-26)."), "{}", lead[2].header("Subject"));
    assert!(to("lead@example.com")[3].part("text/plain").contains("Vendor breach"), "internal audiences hear of it");
    for raw in messages.iter().filter(|(_, r)| r == "partner@example.org").map(|(raw, _)| raw) {
        assert!(!raw.contains("Vendor breach") && !raw.contains("B-7"), "an external audience saw a secret:\n{raw}");
    }

    // One ledger: each recipient's notices recorded; a rerun mails nothing.
    let ledger = project.read(".statuspress/sent.toml");
    assert_eq!(ledger.matches("channel = \"email cto@example.com\"").count(), 4, "{ledger}");
    run("leads").assert_ok().assert_stderr("nothing to notify");
    assert_eq!(smtp.messages().len(), 12);
}

#[test]
fn a_portfolio_audience_hears_every_plan_redacted_as_in_the_digest_with_the_portfolio_ledger() {
    let server = Receiver::start();
    let project = Project::new(&[]);
    let init = common::statuspress().args(["init", "--portfolio"]).arg(project.path()).output().unwrap();
    assert!(init.status.success(), "{}", String::from_utf8_lossy(&init.stderr));
    let (_, board) = hook_audience("board", "cadence = \"milestone\"\nexternal = true");
    project.write("audiences/board.md", &board);
    project.git_init();
    project.revision("w1", "2025-08-12", "Zoe", "Week 1");
    let pass = |path: &str, extra: &str| {
        let gate = project.read(path);
        project.write(
            path,
            &gate.replace("group = \"Release\"", &format!("group = \"Release\"\nstatus = \"passed\"{extra}")),
        );
    };
    pass("plans/qa/content/gates/g-regression.md", "");
    pass("plans/payments/content/gates/g-migrate.md", "\nconfidential = true");
    project.revision("w2", "2025-08-19", "Zoe", "Week 2");
    let env = [("BOARD", server.url("/board")), ("OPS_HOOK_SECRET", SECRET.to_string())];
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let run = project.run_env(&["notify", "--as-of", "2025-09-10", "--since", "w1"], &env);
    run.assert_ok().assert_stderr("to webhook (BOARD) (board@qa)");
    // QA's gate, told under QA's title; payments' confidential gate never reaches the board.
    let hooks = server.on("/board");
    assert_eq!(hooks.len(), 1, "{hooks:?}");
    assert_eq!(kinds(&hooks[0]), ["gate-passed"]);
    assert!(hooks[0].body.contains("Regression suite green"), "{}", hooks[0].body);
    assert!(hooks.iter().all(|h| !h.body.contains("Migration rehearsal")), "{hooks:?}");
    let ledger = project.read(".statuspress/sent.toml");
    assert!(ledger.contains("audience = \"board@qa\""), "{ledger}");
    server.clear();
    project.run_env(&["notify", "--as-of", "2025-09-10", "--audience", "board"], &env).assert_ok();
    assert!(server.on("/").is_empty(), "a rerun tells nothing: {:?}", server.on("/"));
}

#[test]
fn recipients_without_email_settings_fail_alone_naming_what_is_missing() {
    let server = Receiver::start();
    let project = three_weeks(&server);
    let leads = "+++\ntitle = \"Leads\"\ncadence = \"immediate\"\nrecipients = [\"lead@example.com\"]\n+++\n";
    project.write("content/audiences/leads.md", leads);
    project.revision("w4", "2025-09-02", "Zoe", "Week 4");
    notify(&project, &server, &["--since", "w1"]).assert_fails().assert_stderr(
        "notifying email lead@example.com (audience `leads`) failed: sending email needs `[email] from`",
    );
    assert_eq!(server.on("/slack").len(), 3, "the other audiences' channels still deliver");
    assert!(!project.read(".statuspress/sent.toml").contains("email lead@example.com"));
    // With the settings but without the login's variables: that route fails, nothing else.
    project.write("statuspress.toml", &(project.read("statuspress.toml") + &email_settings(1)));
    let run = notify(&project, &server, &["--since", "w1"]);
    run.assert_fails().assert_stderr(
        "notifying email lead@example.com (audience `leads`) failed: the SMTP username is read from the environment variable `QA_SMTP_USER`",
    );
    assert!(!run.stderr.contains("not recorded"), "no delivery was made: {}", run.stderr);
}
