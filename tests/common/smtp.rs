//! A real SMTP server (aiosmtpd, tests/smtp/server.py) on loopback, and MIME reading.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;

/// The venv and test CA made by tests/smtp/setup.sh (run once, by CI or by the first test).
pub fn toolkit() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        if let Ok(dir) = std::env::var("STATUSPRESS_TEST_SMTP") {
            return PathBuf::from(dir);
        }
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let dir = root.join("target/smtp-test");
        let out = Command::new("bash")
            .arg(root.join("tests/smtp/setup.sh"))
            .arg(&dir)
            .output()
            .expect("run tests/smtp/setup.sh");
        assert!(
            out.status.success(),
            "tests/smtp/setup.sh failed (needs python3 with venv/pip and openssl):\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        dir
    })
}

pub struct SmtpServer {
    child: Child,
    pub port: u16,
    pub maildir: tempfile::TempDir,
}

impl SmtpServer {
    /// Starts a server in `mode` (`starttls`, `tls` or `plain`) on a free loopback port.
    pub fn start(mode: &str) -> SmtpServer {
        SmtpServer::start_failing(mode, "none")
    }

    /// Starts a server that fails on purpose: `fault` is one of tests/smtp/server.py's FAULTs
    /// (`fail-data-once`, `greylist`, `tempfail`, `hang`, `slow`).
    pub fn start_failing(mode: &str, fault: &str) -> SmtpServer {
        let kit = toolkit();
        let port = free_port();
        let maildir = tempfile::tempdir().expect("maildir");
        let mut child = Command::new(kit.join("venv/bin/python"))
            .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/smtp/server.py"))
            .args([mode, &port.to_string()])
            .arg(maildir.path())
            .arg(kit.join("server.pem"))
            .arg(kit.join("server.key"))
            .arg(fault)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start the SMTP server");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout")).read_line(&mut line).expect("read ready");
        assert_eq!(line.trim(), "ready", "SMTP server did not start");
        SmtpServer { child, port, maildir }
    }

    /// The stored messages, in arrival order, with their envelope recipients.
    pub fn messages(&self) -> Vec<(String, String)> {
        let mut names: Vec<PathBuf> = std::fs::read_dir(self.maildir.path())
            .expect("maildir")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "eml"))
            .collect();
        names.sort();
        names
            .into_iter()
            .map(|p| {
                (
                    std::fs::read_to_string(&p).expect("eml"),
                    std::fs::read_to_string(p.with_extension("rcpt")).unwrap_or_default(),
                )
            })
            .collect()
    }

    /// Every RCPT the server saw, accepted or not, in order.
    pub fn attempts(&self) -> Vec<String> {
        self.log("attempts.log")
    }

    /// The user name of every login (AUTH) the server saw, accepted or not, in order.
    pub fn logins(&self) -> Vec<String> {
        self.log("logins.log")
    }

    fn log(&self, name: &str) -> Vec<String> {
        std::fs::read_to_string(self.maildir.path().join(name))
            .unwrap_or_default()
            .lines()
            .map(str::to_string)
            .collect()
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("addr").port()
}

/// A parsed email: its headers (unfolded) and its decoded text parts by content type.
pub struct Mail {
    pub headers: Vec<(String, String)>,
    pub parts: Vec<(String, String)>,
    pub raw_len: usize,
}

impl Mail {
    pub fn parse(raw: &str) -> Mail {
        let raw_norm = raw.replace("\r\n", "\n");
        let (head, body) = raw_norm.split_once("\n\n").expect("headers and body");
        let headers = unfold(head);
        let content_type = headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("content-type"))
            .map(|(_, v)| v.clone())
            .unwrap_or_default();
        let boundary = content_type
            .split("boundary=")
            .nth(1)
            .map(|b| b.trim_matches('"').to_string())
            .expect("multipart boundary");
        let parts = body
            .split(&format!("--{boundary}"))
            .filter(|p| !p.trim().is_empty() && !p.starts_with("--"))
            .map(|part| {
                let (h, b) = part.trim_start_matches('\n').split_once("\n\n").unwrap_or((part, ""));
                let h = unfold(h);
                let get = |name: &str| {
                    h.iter()
                        .find(|(k, _)| k.eq_ignore_ascii_case(name))
                        .map(|(_, v)| v.to_lowercase())
                        .unwrap_or_default()
                };
                let text = match get("content-transfer-encoding").as_str() {
                    "quoted-printable" => quoted_printable(b),
                    "base64" => String::from_utf8(base64(b)).expect("utf-8"),
                    _ => b.to_string(),
                };
                (get("content-type"), text)
            })
            .collect();
        Mail { headers, parts, raw_len: raw.len() }
    }

    pub fn header(&self, name: &str) -> &str {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map_or("", |(_, v)| v.as_str())
    }

    pub fn part(&self, content_type: &str) -> &str {
        self.parts.iter().find(|(t, _)| t.starts_with(content_type)).map_or("", |(_, b)| b.as_str())
    }
}

fn unfold(head: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for line in head.lines() {
        if line.starts_with([' ', '\t']) {
            if let Some(last) = out.last_mut() {
                last.1.push_str(line);
            }
        } else if let Some((k, v)) = line.split_once(':') {
            out.push((k.trim().to_string(), v.trim().to_string()));
        }
    }
    out
}

fn quoted_printable(text: &str) -> String {
    let joined = text.replace("=\n", "");
    let bytes = joined.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        if let (b'=', Some(v)) = (bytes[i], hex) {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).expect("utf-8")
}

fn base64(text: &str) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    };
    let digits: Vec<u8> = text.bytes().filter_map(value).collect();
    digits
        .chunks(4)
        .flat_map(|c| {
            let n = c.iter().enumerate().fold(0u32, |acc, (i, d)| acc | (u32::from(*d) << (18 - 6 * i)));
            let bytes = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
            bytes.into_iter().take(c.len().saturating_sub(1))
        })
        .collect()
}
