//! The `statuspress` command line; the commands live in the library ([`statuspress::commands`]).

fn main() -> std::process::ExitCode {
    statuspress::commands::main()
}
