//! `statuspress serve`: the site of the working tree on this machine, rebuilt when a
//! record, the theme, the configuration or the tags change, with open pages reloading.
//!
//! Pages are rendered when a browser asks for them, from the newest good build, so an edit
//! of one record in a plan of 10,000 costs one derive and one page, not a whole build. The
//! bytes are the ones `build` writes, plus a reload script (and, while the plan has errors,
//! a panel listing them over the last good pages). Nothing is written to disk.

mod http;
mod overlay;
pub mod rebuild;
mod watch;

use std::collections::HashMap;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use crate::diagnostics::Diagnostic;
use crate::values::Date;
pub use rebuild::{Built, Changes, Rebuild};

/// How often an idle event stream says it is still there, which is also how a closed
/// browser tab is noticed and its thread let go.
const HEARTBEAT: Duration = Duration::from_secs(15);

pub struct Options<'a> {
    /// The project's folder, watched for changes.
    pub root: &'a Path,
    pub address: SocketAddr,
    /// The date of the plan's status: pinned, or today at each rebuild.
    pub as_of: &'a (dyn Fn() -> Result<Date, Diagnostic> + Sync),
}

/// What the server tells the command line.
pub enum Notice<'a> {
    Listening(SocketAddr),
    Built { took: Duration, built: &'a Built, first: bool },
    Failed { took: Duration, diagnostics: &'a [Diagnostic] },
}

/// One good build, with the files rendered from it so far.
struct Generation {
    built: Built,
    rendered: Mutex<HashMap<String, Arc<[u8]>>>,
}

impl Generation {
    /// The file at `path`, rendered now unless it was already; `None` when the site has no
    /// such file.
    fn file(&self, path: &str) -> Option<Result<Arc<[u8]>, Diagnostic>> {
        if let Some(bytes) = self.lock().get(path) {
            return Some(Ok(bytes.clone()));
        }
        let route = self.built.renderer.route_of(path)?;
        let files = match self.built.renderer.render(&self.built.site, route) {
            Ok(files) => files,
            Err(d) => return Some(Err(d)),
        };
        let mut rendered = self.lock();
        for (name, bytes) in files {
            rendered.insert(name, bytes.into());
        }
        rendered.get(path).cloned().map(Ok)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Arc<[u8]>>> {
        self.rendered.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// What every connection reads: the newest good build, and the problems of the newest
/// attempt when it failed.
#[derive(Default)]
struct State {
    /// Counts rebuilds, good or not; a page reloads when it changes.
    version: u64,
    good: Option<Arc<Generation>>,
    problems: Option<Arc<str>>,
}

#[derive(Default)]
struct Shared {
    state: Mutex<State>,
    changed: Condvar,
}

impl Shared {
    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Binds `options.address`, builds, then serves and rebuilds until the process is stopped.
/// Only a busy or forbidden address, or a project that cannot be watched, ends it early.
pub fn serve(
    options: &Options<'_>,
    builder: &mut dyn Rebuild,
    tell: &(dyn Fn(Notice<'_>) + Sync),
) -> Result<(), Diagnostic> {
    let listener = TcpListener::bind(options.address).map_err(|e| bind_error(options.address, &e))?;
    let address = listener.local_addr().map_err(|e| bind_error(options.address, &e))?;
    let mut watcher = watch::Watcher::new(options.root)?;
    let shared = Arc::new(Shared::default());
    let server = Arc::clone(&shared);
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let shared = Arc::clone(&server);
            std::thread::spawn(move || answer(stream, &shared));
        }
    });
    // Pages asked for during the first build say so, and reload when it is done.
    tell(Notice::Listening(address));
    rebuild(builder, Changes::all(), options, &shared, tell, true);
    while let Some(changes) = watcher.next() {
        rebuild(builder, changes, options, &shared, tell, false);
    }
    Err(Diagnostic::error("the file watcher stopped; restart `statuspress serve`"))
}

fn bind_error(address: SocketAddr, e: &std::io::Error) -> Diagnostic {
    let d = Diagnostic::error(format!("cannot listen on {address}: {e}"));
    match e.kind() {
        std::io::ErrorKind::AddrInUse => d.help(format!(
            "port {} is taken (another `statuspress serve`?): stop that program, or pass `--port` with another port",
            address.port()
        )),
        std::io::ErrorKind::PermissionDenied => d.help("ports below 1024 need privileges: pass `--port 1111`"),
        _ => d,
    }
}

fn rebuild(
    builder: &mut dyn Rebuild,
    changes: Changes,
    options: &Options<'_>,
    shared: &Shared,
    tell: &(dyn Fn(Notice<'_>) + Sync),
    first: bool,
) {
    let started = Instant::now();
    let result = (options.as_of)().map_err(|d| vec![d]).and_then(|as_of| builder.rebuild(changes, as_of));
    let took = started.elapsed();
    let mut state = shared.lock();
    state.version += 1;
    match result {
        Ok(built) => {
            let generation = Arc::new(Generation { built, rendered: Mutex::new(HashMap::new()) });
            state.good = Some(Arc::clone(&generation));
            state.problems = None;
            drop(state);
            tell(Notice::Built { took, built: &generation.built, first });
        }
        Err(diagnostics) => {
            state.problems = Some(problems_text(&diagnostics).into());
            drop(state);
            tell(Notice::Failed { took, diagnostics: &diagnostics });
        }
    }
    shared.changed.notify_all();
}

/// The problems as `statuspress check` prints them (without colour): errors first, in
/// full, then the count.
fn problems_text(diagnostics: &[Diagnostic]) -> String {
    let errors: Vec<&Diagnostic> = diagnostics.iter().filter(|d| d.is_error()).collect();
    let mut text: String = errors.iter().map(|d| format!("{}\n", d.render(false))).collect();
    let warnings = diagnostics.len() - errors.len();
    text.push_str(&crate::diagnostics::count_line(errors.len(), warnings));
    text
}

/// Answers one connection.
fn answer(mut stream: TcpStream, shared: &Shared) {
    let request = match http::read_request(&mut stream) {
        Ok(request) => request,
        Err(status) => {
            let response =
                http::Response { status, content_type: "text/plain; charset=utf-8", body: b"", location: None };
            let _ = response.send(&mut stream, false);
            return;
        }
    };
    let local = stream.local_addr().map(|a| a.ip());
    if !local.is_ok_and(|local| http::host_allowed(request.host.as_deref(), local)) {
        let body = b"This preview answers only to localhost and its own address.\n";
        let response = http::Response { status: 421, content_type: "text/plain; charset=utf-8", body, location: None };
        let _ = response.send(&mut stream, request.head_only);
        return;
    }
    if request.target.split('?').next() == Some(overlay::EVENTS_PATH) {
        stream_events(stream, shared);
        return;
    }
    let (version, good, problems) = {
        let state = shared.lock();
        (state.version, state.good.clone(), state.problems.clone())
    };
    let not_found = |stream: &mut TcpStream| {
        let body = overlay::inject(b"<!doctype html><title>Not found</title><p>No such page.</p>", version, None);
        let response =
            http::Response { status: 404, content_type: "text/html; charset=utf-8", body: &body, location: None };
        let _ = response.send(stream, request.head_only);
    };
    let Some(path) = http::site_path(&request.target) else { return not_found(&mut stream) };
    let Some(generation) = good else {
        let body = overlay::placeholder(version, problems.as_deref());
        let response =
            http::Response { status: 503, content_type: "text/html; charset=utf-8", body: &body, location: None };
        let _ = response.send(&mut stream, request.head_only);
        return;
    };
    match generation.file(&path) {
        Some(Ok(bytes)) => {
            let content_type = http::content_type(&path);
            let body = if path.ends_with(".html") {
                overlay::inject(&bytes, version, problems.as_deref())
            } else {
                bytes.to_vec()
            };
            let response = http::Response { status: 200, content_type, body: &body, location: None };
            let _ = response.send(&mut stream, request.head_only);
        }
        Some(Err(d)) => {
            let body = overlay::placeholder(version, Some(&problems_text(&[d])));
            let response =
                http::Response { status: 500, content_type: "text/html; charset=utf-8", body: &body, location: None };
            let _ = response.send(&mut stream, request.head_only);
        }
        // `/actions` is the folder `/actions/`.
        None if generation.built.renderer.route_of(&format!("{path}/index.html")).is_some() => {
            let location = format!("/{path}/");
            let response = http::Response {
                status: 301,
                content_type: "text/plain; charset=utf-8",
                body: b"",
                location: Some(&location),
            };
            let _ = response.send(&mut stream, request.head_only);
        }
        None => not_found(&mut stream),
    }
}

/// Tells one page the version of each rebuild until the browser goes away.
fn stream_events(mut stream: TcpStream, shared: &Shared) {
    if http::start_events(&mut stream).is_err() {
        return;
    }
    let mut state = shared.lock();
    let mut told = state.version;
    drop(state);
    if http::event(&mut stream, Some(&told.to_string())).is_err() {
        return;
    }
    loop {
        state = shared.lock();
        let (guard, _) = shared
            .changed
            .wait_timeout_while(state, HEARTBEAT, |s| s.version == told)
            .unwrap_or_else(|e| e.into_inner());
        let version = guard.version;
        drop(guard);
        let sent = if version == told {
            http::event(&mut stream, None)
        } else {
            told = version;
            http::event(&mut stream, Some(&version.to_string()))
        };
        if sent.is_err() {
            return;
        }
    }
}
