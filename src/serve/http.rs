//! Just enough HTTP/1.1 for a preview on this machine: `GET` and `HEAD` of the site's
//! files, one request per connection, and an event stream for live reload. A full server
//! stack (tokio, hyper, axum) would be most of the build time of the tool for a page or two
//! a second from one browser.

use std::io::{self, ErrorKind, Read, Write};
use std::net::{IpAddr, TcpStream};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// The longest request head we read: a browser's is well under 2 KiB.
const MAX_HEAD: usize = 16 * 1024;

/// How long a client may take to send its whole request head. A deadline for the whole head,
/// not a timeout per read: a client sending a byte every few seconds would otherwise hold its
/// thread forever.
const HEAD_DEADLINE: Duration = Duration::from_secs(10);

/// [`HEAD_DEADLINE`], or the milliseconds in `STATUSPRESS_SERVE_HEAD_DEADLINE_MS` (for tests
/// of a slow client that should not take ten seconds).
fn head_deadline() -> Duration {
    static DEADLINE: OnceLock<Duration> = OnceLock::new();
    *DEADLINE.get_or_init(|| {
        std::env::var("STATUSPRESS_SERVE_HEAD_DEADLINE_MS")
            .ok()
            .and_then(|ms| ms.parse().ok())
            .map_or(HEAD_DEADLINE, Duration::from_millis)
    })
}

pub struct Request {
    /// `HEAD`: answer with the headers only.
    pub head_only: bool,
    /// The request target as sent (`/actions/a-1.html?x`).
    pub target: String,
    /// The `Host` header, if there is one.
    pub host: Option<String>,
}

/// Reads a request head. `Err` carries the status to answer with: 400 for a malformed
/// request (or one with two `Host` headers), 405 for a method other than `GET` and `HEAD`,
/// 408 for a head not complete within the deadline, 431 for an oversized head.
pub fn read_request(stream: &mut TcpStream) -> Result<Request, u16> {
    let deadline = Instant::now() + head_deadline();
    let mut head = Vec::with_capacity(1024);
    let mut chunk = [0u8; 2048];
    let end = loop {
        if let Some(end) = head.windows(4).position(|w| w == b"\r\n\r\n") {
            break end;
        }
        if head.len() > MAX_HEAD {
            return Err(431);
        }
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(408);
        }
        stream.set_read_timeout(Some(left)).map_err(|_| 400u16)?;
        match stream.read(&mut chunk) {
            Ok(0) => return Err(400),
            Ok(n) => head.extend_from_slice(&chunk[..n]),
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => return Err(408),
            Err(_) => return Err(400),
        }
    };
    let text = std::str::from_utf8(&head[..end]).map_err(|_| 400u16)?;
    let mut lines = text.lines();
    let mut parts = lines.next().unwrap_or("").split(' ');
    let (method, target, version) = (parts.next(), parts.next(), parts.next());
    let (Some(method), Some(target), Some(version)) = (method, target, version) else { return Err(400) };
    if !version.starts_with("HTTP/1.") || parts.next().is_some() {
        return Err(400);
    }
    let head_only = match method {
        "GET" => false,
        "HEAD" => true,
        _ => return Err(405),
    };
    let mut hosts = lines
        .filter_map(|line| line.split_once(':'))
        .filter(|(name, _)| name.eq_ignore_ascii_case("host"))
        .map(|(_, value)| value.trim().to_string());
    let host = hosts.next();
    if hosts.next().is_some() {
        return Err(400);
    }
    Ok(Request { head_only, target: target.to_string(), host })
}

/// Whether a request naming `host` (its `Host` header) is for this server, reached at the
/// address `local`: `localhost`, a loopback address, or `local` itself, with any port (a
/// forwarded port keeps its own). Any other name is refused, so that a web page cannot read
/// the preview through DNS rebinding (its name made to resolve to 127.0.0.1): the browser
/// still sends that name. An address is safe to accept, as no page can rebind it.
pub fn host_allowed(host: Option<&str>, local: IpAddr) -> bool {
    let Some(host) = host else { return false };
    let name = match host.strip_prefix('[') {
        Some(v6) => v6.split_once(']').map(|(address, _)| address),
        None => host.split(':').next(),
    };
    let Some(name) = name else { return false };
    if name.eq_ignore_ascii_case("localhost") {
        return true;
    }
    name.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback() || ip.to_canonical() == local.to_canonical())
}

/// The site file a request target names: percent-decoded, `index.html` for a folder.
/// `None` for a target that could name anything outside the site (`..`, `.`, encoded slashes
/// or backslashes, NUL) or that is not a path: it is answered with 404, like a missing file.
pub fn site_path(target: &str) -> Option<String> {
    let path = target.split(['?', '#']).next()?.strip_prefix('/')?;
    let decoded = percent_decode(path)?;
    if decoded.contains(['\\', '\0']) {
        return None;
    }
    let mut segments = Vec::new();
    for segment in decoded.split('/') {
        match segment {
            "" => {}
            "." | ".." => return None,
            _ => segments.push(segment),
        }
    }
    let mut site_path = segments.join("/");
    if decoded.is_empty() || decoded.ends_with('/') {
        if !site_path.is_empty() {
            site_path.push('/');
        }
        site_path.push_str("index.html");
    }
    Some(site_path)
}

/// `%XX` escapes decoded; `None` for a bad escape, an escaped `/` (which would let a
/// segment hide a separator from the checks above) or text that is not UTF-8.
fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            let byte = u8::from_str_radix(hex, 16).ok()?;
            if byte == b'/' {
                return None;
            }
            out.push(byte);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// The media type of a site file, by its extension.
pub fn content_type(path: &str) -> &'static str {
    match path.rsplit_once('.').map_or("", |(_, ext)| ext) {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "svg" => "image/svg+xml",
        "json" => "application/json",
        "js" => "text/javascript; charset=utf-8",
        "xml" => "application/atom+xml; charset=utf-8",
        "ics" => "text/calendar; charset=utf-8",
        "md" => "text/markdown; charset=utf-8",
        "txt" => "text/plain; charset=utf-8",
        "eml" => "message/rfc822",
        _ => "application/octet-stream",
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        301 => "Moved Permanently",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        421 => "Misdirected Request",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "",
    }
}

/// A whole response: nothing is cached (the preview changes under the browser), and the
/// connection closes after it.
pub struct Response<'a> {
    pub status: u16,
    pub content_type: &'a str,
    pub body: &'a [u8],
    /// Where a 301 points.
    pub location: Option<&'a str>,
}

impl Response<'_> {
    pub fn send(&self, stream: &mut TcpStream, head_only: bool) -> io::Result<()> {
        let mut head = format!(
            "HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\nCache-Control: no-store\r\n\
             X-Content-Type-Options: nosniff\r\nConnection: close\r\n",
            self.status,
            reason(self.status),
            self.content_type,
            self.body.len()
        );
        if self.status == 405 {
            head.push_str("Allow: GET, HEAD\r\n");
        }
        if let Some(location) = self.location {
            head.push_str(&format!("Location: {location}\r\n"));
        }
        head.push_str("\r\n");
        stream.write_all(head.as_bytes())?;
        if !head_only {
            stream.write_all(self.body)?;
        }
        stream.flush()
    }
}

/// Starts a Server-Sent Events stream; events follow with [`event`].
pub fn start_events(stream: &mut TcpStream) -> io::Result<()> {
    stream.write_all(
        b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nConnection: close\r\n\r\nretry: 500\n\n",
    )?;
    stream.flush()
}

/// Sends one event with `data`, or a comment line when `data` is `None` (a heartbeat, which
/// also finds out that the browser has gone).
pub fn event(stream: &mut TcpStream, data: Option<&str>) -> io::Result<()> {
    match data {
        Some(data) => write!(stream, "data: {data}\n\n")?,
        None => stream.write_all(b": still here\n\n")?,
    }
    stream.flush()
}

#[cfg(test)]
mod tests {
    use super::{host_allowed, site_path};

    #[test]
    fn only_this_servers_names_are_hosts() {
        let loopback = "127.0.0.1".parse().unwrap();
        for host in ["localhost", "LOCALHOST:1111", "127.0.0.1", "127.0.0.1:1111", "[::1]", "[::1]:1111"] {
            assert!(host_allowed(Some(host), loopback), "{host}");
        }
        let lan = "192.168.1.5".parse().unwrap();
        assert!(host_allowed(Some("192.168.1.5:1111"), lan));
        assert!(host_allowed(Some("192.168.1.5"), "::ffff:192.168.1.5".parse().unwrap()));
        for host in [
            "evil.example.com:1111",
            "evil.example.com",
            "localhost.evil.example",
            "192.168.1.6",
            "[::1",
            "",
            "127.0.0.1.evil.example",
        ] {
            assert!(!host_allowed(Some(host), lan), "{host}");
        }
        assert!(!host_allowed(None, loopback));
    }

    #[test]
    fn targets_map_to_site_files() {
        assert_eq!(site_path("/").as_deref(), Some("index.html"));
        assert_eq!(site_path("/plan.html?x=1#top").as_deref(), Some("plan.html"));
        assert_eq!(site_path("/actions/").as_deref(), Some("actions/index.html"));
        assert_eq!(site_path("/actions").as_deref(), Some("actions"));
        assert_eq!(site_path("/blockers/b%2D1.html").as_deref(), Some("blockers/b-1.html"));
        assert_eq!(site_path("//revisions//index.html").as_deref(), Some("revisions/index.html"));
    }

    #[test]
    fn targets_that_could_leave_the_site_are_refused() {
        for target in [
            "/../etc/passwd",
            "/actions/../../x",
            "/%2e%2e/secret",
            "/a%2F..%2F..%2Fx",
            "/a%2f..",
            "/a%5C..%5Cx",
            "/a\\..\\x",
            "/a%00.html",
            "/./index.html",
            "/bad%zz",
            "/bad%",
            "/%ff",
            "http://elsewhere/",
            "*",
        ] {
            assert_eq!(site_path(target), None, "{target}");
        }
    }
}
