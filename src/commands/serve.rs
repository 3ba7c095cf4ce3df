//! `statuspress serve`: a live preview of the site while the plan is edited.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use super::{Failed, Ui, date_arg, resolve_as_of};
use crate::project::preview::Preview;
use crate::serve::{self, Notice};

#[derive(clap::Args)]
pub struct Args {
    /// The port to listen on.
    #[arg(long, short, default_value_t = 1111)]
    port: u16,
    /// The address to listen on. The default keeps the preview on this machine; another
    /// address lets anyone who reaches it read the plan.
    #[arg(long, default_value_t = IpAddr::V4(Ipv4Addr::LOCALHOST))]
    bind: IpAddr,
    /// Open the site in the default browser once it is built.
    #[arg(long)]
    open: bool,
    /// The date to compute status for (YYYY-MM-DD); default: SOURCE_DATE_EPOCH or today, at
    /// each rebuild.
    #[arg(long, value_parser = date_arg)]
    as_of: Option<String>,
}

pub fn run(args: &Args, ui: &Ui) -> Result<(), Failed> {
    let mut preview = Preview::open(&ui.root).map_err(|d| ui.fail(&[d]))?;
    stop_on_interrupt();
    let as_of = || resolve_as_of(args.as_of.as_deref());
    let options = serve::Options { root: &ui.root, address: SocketAddr::new(args.bind, args.port), as_of: &as_of };
    let tell = |notice: Notice<'_>| match notice {
        Notice::Listening(address) => {
            let url = format!("http://{address}/");
            ui.info(&format!("serving {url} (Ctrl-C stops)"));
            if !address.ip().is_loopback() {
                ui.info(&format!(
                    "warning: {} is reachable from other machines: anyone who can reach it can read the plan",
                    address.ip()
                ));
            }
            if args.open {
                open_browser(&url, ui);
            }
        }
        Notice::Built { took, built, first } => {
            let warnings = built.diagnostics.len();
            let what = if first { "built" } else { "rebuilt" };
            let warned = if warnings > 0 {
                format!(" ({warnings} warning{}; `statuspress check` lists them)", super::plural(warnings))
            } else {
                String::new()
            };
            ui.info(&format!("{what} in {took:.2?}{warned}"));
            ui.timings(&built.timings);
        }
        Notice::Failed { took, diagnostics } => {
            ui.diagnostics(diagnostics, false);
            ui.info(&format!(
                "build failed after {took:.2?}; the last good build is still served, with the errors over it"
            ));
        }
    };
    serve::serve(&options, &mut preview, &tell).map_err(|d| ui.fail(&[d]))
}

fn open_browser(url: &str, ui: &Ui) {
    let opener = if cfg!(target_os = "macos") { "open" } else { "xdg-open" };
    if let Err(e) = std::process::Command::new(opener).arg(url).spawn() {
        ui.info(&format!("cannot start `{opener}` ({e}): open {url} in a browser"));
    }
}

/// Ctrl-C (or a `kill`) ends the preview at once and says so; it holds nothing that needs
/// saving or removing, as it never writes to disk.
fn stop_on_interrupt() {
    #[cfg(target_os = "linux")]
    {
        extern "C" fn stop(_: libc::c_int) {
            const SAID: &[u8] = b"\nstopped\n";
            // Only async-signal-safe calls here: write(2) and _exit(2).
            unsafe {
                libc::write(2, SAID.as_ptr().cast(), SAID.len());
                libc::_exit(0);
            }
        }
        let handler: extern "C" fn(libc::c_int) = stop;
        unsafe {
            libc::signal(libc::SIGINT, handler as libc::sighandler_t);
            libc::signal(libc::SIGTERM, handler as libc::sighandler_t);
        }
    }
}
