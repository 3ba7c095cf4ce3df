//! A small HTTP/1.1 client for `notify`: one request per connection (`Connection: close`),
//! TLS through rustls (already in the tree through lettre) with the system's roots, timeouts
//! on connecting, reading and writing, and retries with growing waits on what may pass (5xx,
//! 429 with its `Retry-After`, timeouts, refused or dropped connections). Plain `http://` is
//! refused except to this machine: a token or a signed body must not cross a network in clear.

use std::io::{Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use crate::config::{MAX_RETRIES, NotifyConfig};
use crate::diagnostics::Diagnostic;

/// The longest `Retry-After` honoured: a receiver asking for an hour gets a failure instead.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(60);
/// The most of a reply that is read: replies here are small, an endless one is an attack.
const MAX_REPLY: u64 = 1 << 20;

pub struct Request {
    pub method: &'static str,
    pub url: String,
    /// Beyond Host, Content-Type, Content-Length, User-Agent and Connection.
    pub headers: Vec<(&'static str, String)>,
    pub body: Vec<u8>,
}

#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    pub fn ok(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// "404 Not Found: {"message":"Not Found"}", cut short, without control characters.
    pub fn describe(&self) -> String {
        let body: String = self.body.chars().take(300).collect();
        crate::diagnostics::terminal_safe(&format!("HTTP {} {}", self.status, body.trim())).into_owned()
    }
}

/// A parsed `http(s)://host[:port]/path` that may be connected to.
#[derive(Debug, PartialEq)]
struct Url {
    tls: bool,
    host: String,
    port: u16,
    path: String,
}

impl Url {
    fn parse(text: &str) -> Result<Url, String> {
        let (tls, rest) = if let Some(rest) = text.strip_prefix("https://") {
            (true, rest)
        } else if let Some(rest) = text.strip_prefix("http://") {
            (false, rest)
        } else {
            return Err("the address must start with https://".into());
        };
        let (authority, path) = rest.find('/').map_or((rest, "/"), |at| (&rest[..at], &rest[at..]));
        if authority.contains('@') || authority.is_empty() {
            return Err("the address must name a host, without a user or password".into());
        }
        let (host, port) = match authority.rsplit_once(':').filter(|(h, _)| !h.ends_with(']') || h.starts_with('[')) {
            Some((host, port)) if !port.contains(']') => {
                (host, port.parse::<u16>().map_err(|_| format!("`{port}` is not a port number"))?)
            }
            _ => (authority, if tls { 443 } else { 80 }),
        };
        let host = host.trim_start_matches('[').trim_end_matches(']').to_string();
        if !tls && !is_loopback(&host) {
            return Err(format!(
                "plain http:// to `{host}` would send the message (and any token or signature) in clear text; only this machine may be reached without https://"
            ));
        }
        if path.chars().any(|c| c.is_control() || c == ' ') {
            return Err("the address holds spaces or control characters".into());
        }
        Ok(Url { tls, host, port, path: path.to_string() })
    }
}

fn is_loopback(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost") || host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// Checks an address before anything is sent (and in a dry run): the same rule as a request.
pub fn check_url(url: &str) -> Result<(), String> {
    Url::parse(url).map(drop)
}

/// How requests are made: the timeouts and retries of `[notify]`.
pub struct Client {
    timeout: Duration,
    attempts: u32,
    delay: Duration,
    tls: Arc<rustls::ClientConfig>,
}

/// Why a request did not succeed, after all its attempts.
#[derive(Debug)]
pub struct Failure {
    pub attempts: u32,
    /// The last error, with the receiver's reply when there was one.
    pub last: String,
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.attempts {
            0 | 1 => f.write_str(&self.last),
            n => write!(f, "tried {n} times, the last: {}", self.last),
        }
    }
}

impl Client {
    /// The client for `[notify]`; `root` is where its `ca_file` is found.
    pub fn new(root: &Path, config: &NotifyConfig) -> Result<Client, Diagnostic> {
        let mut roots = rustls::RootCertStore::empty();
        // Unreadable system certificates leave the store empty: https then fails, naming TLS.
        for cert in rustls_native_certs::load_native_certs().certs {
            let _ = roots.add(cert);
        }
        if let Some(file) = &config.ca_file {
            for cert in extra_roots(root, file)? {
                roots.add(cert).map_err(|e| ca_error(file, &e))?;
            }
        }
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let tls = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map(|b| b.with_root_certificates(roots).with_no_client_auth())
            .unwrap_or_else(|_| unreachable_config());
        Ok(Client {
            timeout: Duration::from_secs(config.timeout_secs.unwrap_or(10)),
            attempts: config.retries.unwrap_or(3).min(MAX_RETRIES) + 1,
            delay: Duration::from_millis(config.retry_delay_ms.unwrap_or(500)),
            tls: Arc::new(tls),
        })
    }

    /// Sends `request`, trying again on what may pass; a 2xx or a final reply comes back as
    /// `Ok` when 2xx, else as the failure with that reply.
    pub fn send(&self, request: &Request) -> Result<Response, Failure> {
        let url = Url::parse(&request.url).map_err(|last| Failure { attempts: 0, last })?;
        let mut attempt = 1;
        loop {
            let (wait, failure) = match self.once(&url, request) {
                Ok(response) if response.ok() => return Ok(response),
                Ok(response) => {
                    let retry = response.status >= 500 || response.status == 429;
                    let after = response.header("retry-after").and_then(|v| retry_after(v, chrono::Utc::now()));
                    let (wait, last) = match after {
                        Some(after) if after > MAX_RETRY_AFTER => (
                            None,
                            format!(
                                "{} (it asks to be retried in {} s, more than the {} s waited for)",
                                response.describe(),
                                after.as_secs(),
                                MAX_RETRY_AFTER.as_secs()
                            ),
                        ),
                        Some(after) => (Some(after), response.describe()),
                        None => (Some(self.wait_after(attempt)), response.describe()),
                    };
                    (wait.filter(|_| retry), Failure { attempts: attempt, last })
                }
                Err(Attempt { last, retry }) => {
                    (retry.then(|| self.wait_after(attempt)), Failure { attempts: attempt, last })
                }
            };
            match wait {
                Some(wait) if attempt < self.attempts => {
                    std::thread::sleep(wait);
                    attempt += 1;
                }
                _ => return Err(failure),
            }
        }
    }

    fn wait_after(&self, n: u32) -> Duration {
        self.delay.saturating_mul(1 << (n - 1).min(MAX_RETRIES))
    }

    /// One attempt on a new connection.
    fn once(&self, url: &Url, request: &Request) -> Result<Response, Attempt> {
        let addresses = (url.host.as_str(), url.port)
            .to_socket_addrs()
            .map_err(|e| Attempt::passing(format!("cannot resolve {}: {e}", url.host)))?;
        let mut last = format!("{} has no address", url.host);
        for address in addresses {
            match TcpStream::connect_timeout(&address, self.timeout) {
                Ok(stream) => return self.exchange(stream, url, request),
                Err(e) => last = format!("cannot connect to {}:{}: {}", url.host, url.port, io_words(&e).last),
            }
        }
        Err(Attempt::passing(last))
    }

    fn exchange(&self, stream: TcpStream, url: &Url, request: &Request) -> Result<Response, Attempt> {
        let fail = |e: std::io::Error| io_words(&e);
        stream.set_read_timeout(Some(self.timeout)).map_err(fail)?;
        stream.set_write_timeout(Some(self.timeout)).map_err(fail)?;
        let head = head(url, request).map_err(Attempt::fin)?;
        let mut raw = Vec::new();
        if url.tls {
            let name = rustls::pki_types::ServerName::try_from(url.host.clone())
                .map_err(|e| Attempt::fin(format!("bad host name: {e}")))?;
            let connection =
                rustls::ClientConnection::new(self.tls.clone(), name).map_err(|e| Attempt::fin(format!("TLS: {e}")))?;
            let mut tls = rustls::StreamOwned::new(connection, stream);
            write_and_read(&mut tls, &head, &request.body, &mut raw)?;
        } else {
            let mut plain = stream;
            write_and_read(&mut plain, &head, &request.body, &mut raw)?;
        }
        parse_response(&raw).map_err(Attempt::passing)
    }
}

/// How long a `Retry-After` asks to wait (RFC 9110 §10.2.3): delay-seconds, or an HTTP-date
/// from `now` (the IMF-fixdate, or the obsolete RFC 850 and asctime forms a recipient must
/// accept); a date already past asks for no wait. `None` when it is neither: the usual backoff.
fn retry_after(value: &str, now: chrono::DateTime<chrono::Utc>) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let obsolete = ["%A, %d-%b-%y %H:%M:%S GMT", "%a %b %e %H:%M:%S %Y"];
    let date = chrono::DateTime::parse_from_rfc2822(value).map(|d| d.to_utc()).ok().or_else(|| {
        obsolete.iter().find_map(|f| chrono::NaiveDateTime::parse_from_str(value, f).ok()).map(|d| d.and_utc())
    })?;
    Some((date - now).to_std().unwrap_or(Duration::ZERO))
}

/// The certificates of `[notify] ca_file`; a file that cannot be read or holds none is an
/// error before anything is sent.
fn extra_roots(root: &Path, file: &str) -> Result<Vec<rustls::pki_types::CertificateDer<'static>>, Diagnostic> {
    use rustls::pki_types::pem::PemObject as _;
    let bytes = std::fs::read(root.join(file)).map_err(|e| ca_error(file, &e))?;
    let certs: Vec<_> = rustls::pki_types::CertificateDer::pem_slice_iter(&bytes)
        .collect::<Result<_, _>>()
        .map_err(|e| ca_error(file, &format!("{e:?}")))?;
    if certs.is_empty() {
        return Err(ca_error(file, &"no PEM certificate in it"));
    }
    Ok(certs)
}

fn ca_error(file: &str, why: &dyn std::fmt::Display) -> Diagnostic {
    Diagnostic::error(format!("`[notify] ca_file` {file}: {why}"))
        .in_file(crate::config::FILE_NAME)
        .help("name a PEM file of certificate authorities, relative to the project root")
}

/// Only reached if rustls's own safe defaults were refused by its own provider.
fn unreachable_config() -> rustls::ClientConfig {
    rustls::ClientConfig::builder().with_root_certificates(rustls::RootCertStore::empty()).with_no_client_auth()
}

fn write_and_read(stream: &mut impl ReadWrite, head: &str, body: &[u8], raw: &mut Vec<u8>) -> Result<(), Attempt> {
    stream
        .write_all(head.as_bytes())
        .and_then(|()| stream.write_all(body))
        .and_then(|()| stream.flush())
        .map_err(|e| io_words(&e))?;
    let mut buffer = [0u8; 8192];
    loop {
        match stream.read(&mut buffer) {
            Ok(0) => return Ok(()),
            Ok(n) => raw.extend_from_slice(&buffer[..n]),
            // A TLS peer that closes without close_notify after a whole reply: the reply stands.
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof && !raw.is_empty() => return Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(io_words(&e)),
        }
        // A server that keeps the connection open after a whole reply is not waited for.
        if complete(raw) {
            return Ok(());
        }
        if raw.len() as u64 > MAX_REPLY {
            return Err(Attempt::fin(format!("the reply is longer than {MAX_REPLY} bytes")));
        }
    }
}

/// Whether `raw` holds a whole reply by its `Content-Length` (chunked and unsized replies
/// end when the server closes the connection, as `Connection: close` asks).
fn complete(raw: &[u8]) -> bool {
    let Some(end) = raw.windows(4).position(|w| w == b"\r\n\r\n") else { return false };
    let head = String::from_utf8_lossy(&raw[..end]);
    let length = head
        .split("\r\n")
        .filter_map(|l| l.split_once(':'))
        .find(|(n, _)| n.trim().eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.trim().parse::<usize>().ok());
    // The length is the server's word: a huge one must not overflow the sum.
    length.is_some_and(|length| raw.len().saturating_sub(end + 4) >= length)
}

trait ReadWrite: Read + Write {}
impl<T: Read + Write> ReadWrite for T {}

/// The request line and headers. Header values come from the environment (tokens): one with
/// a line break would add headers of its own, so it is refused.
fn head(url: &Url, request: &Request) -> Result<String, String> {
    let host = if url.host.contains(':') { format!("[{}]", url.host) } else { url.host.clone() };
    let mut head = format!(
        "{} {} HTTP/1.1\r\nHost: {host}:{}\r\nUser-Agent: statuspress/{}\r\nConnection: close\r\n",
        request.method,
        url.path,
        url.port,
        env!("CARGO_PKG_VERSION")
    );
    for (name, value) in &request.headers {
        if value.chars().any(char::is_control) {
            return Err(format!("the {name} header would hold a control character"));
        }
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    if !request.body.is_empty() || request.method != "GET" {
        head.push_str(&format!("Content-Type: application/json\r\nContent-Length: {}\r\n", request.body.len()));
    }
    head.push_str("\r\n");
    Ok(head)
}

fn parse_response(raw: &[u8]) -> Result<Response, String> {
    let end = raw.windows(4).position(|w| w == b"\r\n\r\n").ok_or_else(|| {
        if raw.is_empty() {
            "the connection closed without a reply".to_string()
        } else {
            "a reply without an end of headers".to_string()
        }
    })?;
    let head = String::from_utf8_lossy(&raw[..end]);
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap_or_default();
    let status = status_line
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse::<u16>().ok())
        .ok_or_else(|| format!("not an HTTP reply: {}", crate::diagnostics::terminal_safe(status_line)))?;
    let headers: Vec<(String, String)> =
        lines.filter_map(|l| l.split_once(':')).map(|(n, v)| (n.trim().to_string(), v.trim().to_string())).collect();
    let body = &raw[end + 4..];
    let chunked =
        headers.iter().any(|(n, v)| n.eq_ignore_ascii_case("transfer-encoding") && v.eq_ignore_ascii_case("chunked"));
    let body = if chunked { dechunk(body) } else { body.to_vec() };
    Ok(Response { status, headers, body: String::from_utf8_lossy(&body).into_owned() })
}

/// A chunked body, joined; a malformed one keeps what was whole.
fn dechunk(mut body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(line_end) = body.windows(2).position(|w| w == b"\r\n") {
        let size = String::from_utf8_lossy(&body[..line_end]);
        let Ok(size) = usize::from_str_radix(size.split(';').next().unwrap_or("").trim(), 16) else { break };
        let start = line_end + 2;
        // The size is the server's word: a huge one must not overflow, only end the body.
        let Some(chunk) = start.checked_add(size).and_then(|end| body.get(start..end)).filter(|_| size > 0) else {
            break;
        };
        out.extend_from_slice(chunk);
        body = body.get(start + size + 2..).unwrap_or_default();
    }
    out
}

/// An I/O error in words, and whether it may pass: a timeout, a refused or dropped
/// connection may; a TLS failure (rustls reports it as invalid data: an unknown issuer, a
/// wrong name) fails the same way every time.
fn io_words(e: &std::io::Error) -> Attempt {
    match e.kind() {
        std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock => {
            Attempt::passing("no answer in time (timed out)".into())
        }
        std::io::ErrorKind::InvalidData => Attempt::fin(format!("TLS: {e}")),
        _ => Attempt::passing(e.to_string()),
    }
}

/// Why one attempt failed, and whether another may succeed.
struct Attempt {
    last: String,
    retry: bool,
}

impl Attempt {
    fn passing(last: String) -> Attempt {
        Attempt { last, retry: true }
    }

    fn fin(last: String) -> Attempt {
        Attempt { last, retry: false }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chunk_size_past_any_length_ends_the_body_without_a_panic() {
        assert_eq!(dechunk(b"3\r\nabc\r\n0\r\n\r\n"), b"abc");
        assert_eq!(dechunk(b"3\r\nabc\r\nffffffffffffffff\r\nx\r\n"), b"abc");
        assert_eq!(dechunk(b"10\r\nshort"), b"");
    }

    #[test]
    fn a_content_length_past_any_length_is_never_complete_and_never_overflows() {
        assert!(!complete(b"HTTP/1.1 200 OK\r\nContent-Length: 18446744073709551615\r\n\r\nab"));
        assert!(complete(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nab"));
    }

    #[test]
    fn plain_http_only_to_this_machine() {
        assert!(Url::parse("http://127.0.0.1:8080/hook").is_ok());
        assert!(Url::parse("http://localhost/hook").is_ok());
        assert!(Url::parse("http://[::1]:9/x").is_ok_and(|u| u.host == "::1" && u.port == 9));
        let refused = Url::parse("http://hooks.example.com/x").unwrap_err();
        assert!(refused.contains("clear text"), "{refused}");
        assert!(Url::parse("ftp://x").is_err() && Url::parse("https://user:pw@x/").is_err());
        let url = Url::parse("https://hooks.slack.com/services/T/B/X").unwrap();
        assert_eq!(
            (url.tls, url.host.as_str(), url.port, url.path.as_str()),
            (true, "hooks.slack.com", 443, "/services/T/B/X")
        );
    }

    #[test]
    fn replies_parse_with_chunks() {
        let raw = b"HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\nRetry-After: 2\r\n\r\n3\r\n{\"a\r\n4\r\n\":1}\r\n0\r\n\r\n";
        let r = parse_response(raw).unwrap();
        assert_eq!((r.status, r.body.as_str(), r.header("retry-after")), (201, "{\"a\":1}", Some("2")));
        assert!(parse_response(b"").unwrap_err().contains("without a reply"));
        assert!(complete(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"));
        assert!(!complete(b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nok"));
    }

    #[test]
    fn retry_after_takes_seconds_or_an_http_date_in_any_of_its_three_forms() {
        let now = chrono::DateTime::parse_from_rfc3339("1994-11-06T08:49:30Z").unwrap().to_utc();
        assert_eq!(retry_after(" 120 ", now), Some(Duration::from_secs(120)));
        for date in ["Sun, 06 Nov 1994 08:49:37 GMT", "Sunday, 06-Nov-94 08:49:37 GMT", "Sun Nov  6 08:49:37 1994"] {
            assert_eq!(retry_after(date, now), Some(Duration::from_secs(7)), "{date}");
        }
        assert_eq!(retry_after("Sun, 06 Nov 1994 08:00:00 GMT", now), Some(Duration::ZERO), "past: no wait");
        assert_eq!(retry_after("soon", now), None);
    }

    #[test]
    fn a_token_cannot_add_headers() {
        let url = Url::parse("http://127.0.0.1/x").unwrap();
        let request = Request {
            method: "POST",
            url: String::new(),
            headers: vec![("Authorization", "Bearer x\r\nX-Evil: 1".into())],
            body: vec![],
        };
        assert!(head(&url, &request).is_err());
    }
}
