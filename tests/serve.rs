//! `statuspress serve` against the real server over HTTP: edits show up without a restart,
//! a broken record puts its diagnostics over the last good pages until it is fixed, new tags
//! are picked up, served pages are the built ones plus the reload script, and nothing
//! outside the site is reachable.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::smtp::free_port;
use common::{Project, statuspress, two_weeks};

const AS_OF: &str = "2025-08-20";

/// A running `statuspress serve`, stopped when dropped.
struct Server {
    child: Child,
    port: u16,
}

impl Server {
    fn start(project: &Project) -> Server {
        Server::start_with(project, &[])
    }

    /// With extra environment variables.
    fn start_with(project: &Project, env: &[(&str, &str)]) -> Server {
        let port = free_port();
        let child = statuspress()
            // As authors run it: in the project, with the default `--root .`.
            .current_dir(project.path())
            .args(["serve", "--port", &port.to_string(), "--as-of", AS_OF])
            .envs(env.iter().copied())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start serve");
        let mut server = Server { child, port };
        let started = Instant::now();
        // It listens at once and answers 503 until the first build is done.
        while TcpStream::connect(("127.0.0.1", port)).is_err() || server.get("/").0 != 200 {
            assert!(server.child.try_wait().unwrap().is_none(), "serve exited: {}", server.stderr());
            assert!(started.elapsed() < Duration::from_secs(60), "serve did not start");
            std::thread::sleep(Duration::from_millis(20));
        }
        server
    }

    /// What the server printed; it is stopped first.
    fn stderr(&mut self) -> String {
        let _ = self.child.kill();
        let mut text = String::new();
        if let Some(mut err) = self.child.stderr.take() {
            let _ = err.read_to_string(&mut text);
        }
        text
    }

    /// Sends `request_line` as it is (no client tidies the path first); status and body.
    fn raw(&self, request_line: &str) -> (u16, Vec<u8>) {
        self.head(&format!("{request_line}\r\nHost: localhost\r\nConnection: close"))
    }

    /// Sends the request head `head` (without its closing empty line); status and body.
    fn head(&self, head: &str) -> (u16, Vec<u8>) {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).expect("connect");
        write!(stream, "{head}\r\n\r\n").unwrap();
        let mut response = Vec::new();
        stream.read_to_end(&mut response).unwrap();
        let split = response.windows(4).position(|w| w == b"\r\n\r\n").expect("a response head");
        let head = String::from_utf8_lossy(&response[..split]).to_string();
        let status = head.split(' ').nth(1).and_then(|s| s.parse().ok()).expect("a status");
        (status, response[split + 4..].to_vec())
    }

    fn get(&self, path: &str) -> (u16, String) {
        let (status, body) = self.raw(&format!("GET {path} HTTP/1.1"));
        (status, String::from_utf8(body).expect("UTF-8"))
    }

    /// The page at `path` once `ready` holds for it (the server rebuilds in the background).
    fn wait_for(&self, path: &str, what: &str, ready: impl Fn(u16, &str) -> bool) -> String {
        let started = Instant::now();
        loop {
            let (status, body) = self.get(path);
            if ready(status, &body) {
                return body;
            }
            assert!(started.elapsed() < Duration::from_secs(30), "{path} never showed {what}; last:\n{body}");
            std::thread::sleep(Duration::from_millis(25));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

const OVERLAY: &str = "id=\"statuspress-errors\"";

fn blocker(title: &str, severity_field: &str) -> String {
    format!(
        "+++\ntitle = \"{title}\"\n{severity_field} = \"critical\"\nstatus = \"resolved\"\nblocks = [\"g-1\"]\n+++\n"
    )
}

fn unescape(html: &str) -> String {
    html.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&amp;", "&")
}

#[test]
fn edits_show_without_a_restart_and_errors_overlay_the_last_good_site_until_fixed() {
    let project = two_weeks("", &["team@example.com"], &[]);
    let server = Server::start(&project);
    let (status, page) = server.get("/blockers/B-1.html");
    assert_eq!(status, 200);
    assert!(page.contains("DB down") && !page.contains(OVERLAY), "{page}");

    project.write("content/blockers/B-1.md", &blocker("DB down, now understood", "severity"));
    server.wait_for("/blockers/B-1.html", "the new title", |_, p| p.contains("DB down, now understood"));
    let dashboard = server.wait_for("/", "the new title", |_, p| p.contains("DB down, now understood"));
    assert!(!dashboard.contains(OVERLAY));

    project.write("content/blockers/B-1.md", &blocker("DB down, broken", "serverity"));
    let page = server.wait_for("/blockers/B-1.html", "the error panel", |_, p| p.contains(OVERLAY));
    // The last good page, under the same diagnostics `check` prints.
    assert!(page.contains("DB down, now understood") && !page.contains("DB down, broken"), "{page}");
    let check = project.run(&["check", "--color", "never", "--as-of", AS_OF]);
    let check_errors = &check.stderr;
    let panel = unescape(&page);
    for line in check_errors.lines().filter(|l| !l.trim().is_empty() && !l.contains("warning")) {
        assert!(panel.contains(line.trim_end()), "the panel lacks check's line {line:?}:\n{panel}");
    }
    assert!(panel.contains("unknown field `serverity`") && panel.contains("content/blockers/B-1.md:3:1"), "{panel}");
    let (status, other) = server.get("/plan.html");
    assert!(status == 200 && other.contains(OVERLAY), "every page shows the panel");

    project.write("content/blockers/B-1.md", &blocker("DB down, fixed", "severity"));
    let page = server.wait_for("/blockers/B-1.html", "the fix", |_, p| !p.contains(OVERLAY));
    assert!(page.contains("DB down, fixed"), "{page}");
}

#[test]
fn served_files_are_the_built_files_plus_the_reload_script() {
    let project = two_weeks("", &["team@example.com"], &[]);
    project.write("content/actions/a-1.md", "+++\ntitle = \"Uncommitted action\"\nowner = \"Ann\"\n+++\n");
    let built = tempfile::tempdir().unwrap();
    project.run(&["build", "--as-of", AS_OF, "--output", built.path().to_str().unwrap()]).assert_ok();
    let server = Server::start(&project);
    let mut compared = 0;
    for (path, bytes) in common::snapshot(built.path()) {
        let rel = path.to_string_lossy().replace('\\', "/");
        if rel.starts_with('.') {
            continue; // the build's own bookkeeping, not the site
        }
        let (status, served) = server.raw(&format!("GET /{rel} HTTP/1.1"));
        assert_eq!(status, 200, "{rel}");
        let text = String::from_utf8_lossy(&bytes);
        assert!(!text.contains("__statuspress"), "a build never holds the reload script: {rel}");
        if rel.ends_with(".html") {
            let served = String::from_utf8(served).unwrap();
            let start = served.find("<script>/* statuspress serve").unwrap_or_else(|| panic!("{rel} lacks the script"));
            let end = start + served[start..].find("</script>\n").unwrap() + "</script>\n".len();
            assert_eq!(format!("{}{}", &served[..start], &served[end..]), text, "{rel}");
        } else {
            assert!(served == bytes, "{rel} differs");
        }
        compared += 1;
    }
    assert!(compared > 30, "only {compared} files compared");
    let (status, _) = server.get("/revisions/working/index.html");
    assert_eq!(status, 200, "the uncommitted action makes a working revision");
}

#[test]
fn new_tags_are_read_and_open_pages_are_told_to_reload() {
    let project = two_weeks("", &["team@example.com"], &[]);
    let server = Server::start(&project);
    assert_eq!(server.get("/revisions/w3/index.html").0, 404);

    let mut events = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    write!(events, "GET /__statuspress/events HTTP/1.1\r\nHost: localhost\r\n\r\n").unwrap();
    events.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let mut events = BufReader::new(events);
    let mut next_version = || loop {
        let mut line = String::new();
        assert!(events.read_line(&mut line).unwrap() > 0, "the event stream ended");
        if let Some(version) = line.strip_prefix("data: ") {
            return version.trim().to_string();
        }
    };
    let first = next_version();

    project.write("content/actions/a-1.md", "+++\ntitle = \"Week three action\"\nowner = \"Ann\"\n+++\n");
    project.revision("w3", "2025-08-26", "Zoe", "Week 3");
    let page = server.wait_for("/revisions/w3/index.html", "the new tag", |status, _| status == 200);
    assert!(page.contains("w3"), "{page}");
    assert_ne!(next_version(), first, "an open page hears of the rebuild");
}

#[test]
fn nothing_outside_the_site_is_served() {
    let project = two_weeks("", &["team@example.com"], &[]);
    project.write("secret.txt", "do not serve");
    let server = Server::start(&project);
    for target in [
        "/../secret.txt",
        "/..%2fsecret.txt",
        "/%2e%2e/secret.txt",
        "/blockers/..%2F..%2Fsecret.txt",
        "/blockers/%2e%2e/%2e%2e/secret.txt",
        "/..\\secret.txt",
        "/content/plan.md",
        "/statuspress.toml",
        "/.git/config",
        "/index.html%00.txt",
    ] {
        let (status, body) = server.raw(&format!("GET {target} HTTP/1.1"));
        assert_eq!(status, 404, "{target}");
        assert!(!String::from_utf8_lossy(&body).contains("do not serve"), "{target}");
    }
    assert_eq!(server.raw("POST / HTTP/1.1").0, 405);
    assert_eq!(server.raw("GET /blockers HTTP/1.1").0, 301);
}

/// A web page can make its own name resolve to 127.0.0.1 (DNS rebinding) and read what the
/// preview serves, but the browser still sends that name: only this server's names are
/// answered. A client that sends its request slowly is cut off after the deadline for the
/// whole head (here 1 s, instead of 10), not kept waiting a read timeout per byte.
#[test]
fn only_this_servers_names_are_answered_and_slow_clients_are_cut_off() {
    let project = two_weeks("", &["team@example.com"], &[]);
    let server = Server::start_with(&project, &[("STATUSPRESS_SERVE_HEAD_DEADLINE_MS", "1000")]);
    let port = server.port;
    for host in ["localhost".to_string(), format!("localhost:{port}"), format!("127.0.0.1:{port}"), "[::1]".into()] {
        assert_eq!(server.head(&format!("GET /status.json HTTP/1.1\r\nHost: {host}")).0, 200, "{host}");
    }
    for head in [
        format!("GET /status.json HTTP/1.1\r\nHost: evil.example.com:{port}"),
        "GET /status.json HTTP/1.1\r\nHost: localhost.evil.example".into(),
        "GET /__statuspress/events HTTP/1.1\r\nHost: evil.example.com".into(),
        "GET /status.json HTTP/1.0".into(),
    ] {
        let (status, body) = server.head(&head);
        assert_eq!(status, 421, "{head}");
        assert!(!String::from_utf8_lossy(&body).contains("readiness"), "{head}");
    }
    assert_eq!(server.head("GET / HTTP/1.1\r\nHost: localhost\r\nHost: evil.example").0, 400);

    let mut slow = TcpStream::connect(("127.0.0.1", port)).unwrap();
    slow.set_read_timeout(Some(Duration::from_millis(300))).unwrap();
    let started = Instant::now();
    let mut response = Vec::new();
    for byte in b"GET / HTTP/1.1\r\nHost: localhost\r\nX-Slow: aaaaaaaaaaaaaaaaaaaa".iter().cycle() {
        assert!(started.elapsed() < Duration::from_secs(4), "the slow client was never cut off");
        if slow.write_all(&[*byte]).is_err() || slow.read_to_end(&mut response).is_ok() {
            break;
        }
    }
    let _ = slow.read_to_end(&mut response);
    let took = started.elapsed();
    assert!(String::from_utf8_lossy(&response).starts_with("HTTP/1.1 408 "), "{response:?}");
    assert!(took >= Duration::from_millis(900) && took < Duration::from_secs(3), "cut off after {took:?}");
}

#[test]
fn a_busy_port_is_a_clear_error_and_ctrl_c_stops_cleanly() {
    let project = two_weeks("", &["team@example.com"], &[]);
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    project
        .run(&["serve", "--port", &port])
        .assert_fails()
        .assert_stderr(&format!("cannot listen on 127.0.0.1:{port}"))
        .assert_stderr(&format!("port {port} is taken"));

    let mut server = Server::start(&project);
    let pid = server.child.id().to_string();
    assert!(Command::new("kill").args(["-INT", &pid]).status().unwrap().success());
    let status = server.child.wait().unwrap();
    let stderr = server.stderr();
    assert!(status.success(), "{status:?}: {stderr}");
    assert!(stderr.contains(&format!("serving http://127.0.0.1:{}/", server.port)), "{stderr}");
    assert!(stderr.trim_end().ends_with("stopped"), "{stderr}");
}
