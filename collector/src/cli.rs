//! Command-line parsing: arguments in, a typed [`Command`] out. Errors name
//! the bad flag or value and say what is accepted.

use std::net::SocketAddr;
use std::path::PathBuf;

use crate::server::ServeConfig;

/// Default `--db`.
pub const DEFAULT_DB: &str = "journey.db";
/// Default `--listen`.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8787";
/// Default `--limit` of `list`.
pub const DEFAULT_LIST_LIMIT: u32 = 100;

/// Usage text printed by `--help`.
pub const USAGE: &str = "\
journey-collector: reference collector for journey-probe beacons

USAGE:
    journey-collector serve [--db PATH] [--listen ADDR] [--allow-origin ORIGIN]...
    journey-collector list  [--db PATH] [--limit N] [--format json|table]
    journey-collector help | --help

serve   Receive beacons on POST /v1/beacons, validate them against the beacon
        schema and store them in SQLite. Stops cleanly on SIGINT/SIGTERM.
    --db PATH              SQLite file, created if missing (default: journey.db)
    --listen ADDR          IP:PORT to listen on; port 0 picks a free port
                           (default: 127.0.0.1:8787)
    --allow-origin ORIGIN  Browser origin allowed to send beacons, exactly as
                           the browser sends it (e.g. https://dichvucong.gov.vn),
                           or * for any. Repeatable. Without it, requests that
                           carry an Origin header are refused.

list    Print stored beacons, oldest first.
    --db PATH              SQLite file (default: journey.db)
    --limit N              Show the N most recent beacons (default: 100)
    --format json|table    json: one {\"received_ms\",\"beacon\"} object per line;
                           table: a compact human table (default: table)
";

/// What the command line asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// Run the HTTP collector.
    Serve(ServeConfig),
    /// Print stored beacons.
    List(ListArgs),
    /// Print usage.
    Help,
}

/// Arguments of `list`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListArgs {
    /// SQLite file.
    pub db: PathBuf,
    /// How many of the most recent beacons to print.
    pub limit: u32,
    /// Output format.
    pub format: ListFormat,
}

/// Output format of `list`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListFormat {
    /// One `{"received_ms":…,"beacon":{…}}` object per line.
    Json,
    /// A compact human table.
    Table,
}

/// Which browser origins may send beacons (the `Origin` request header).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum AllowedOrigins {
    /// Only these exact origins; empty means no browser may send.
    #[default]
    None,
    /// These exact origins.
    List(Vec<String>),
    /// Any origin (`--allow-origin '*'`).
    Any,
}

impl AllowedOrigins {
    /// Whether a request with this `Origin` header value is allowed.
    pub fn allows(&self, origin: &str) -> bool {
        match self {
            AllowedOrigins::None => false,
            AllowedOrigins::Any => true,
            AllowedOrigins::List(list) => list.iter().any(|o| o == origin),
        }
    }

    /// Human description for error messages and the startup log.
    pub fn describe(&self) -> String {
        match self {
            AllowedOrigins::None => "none (start with --allow-origin ORIGIN)".into(),
            AllowedOrigins::Any => "*".into(),
            AllowedOrigins::List(list) => list.join(", "),
        }
    }

    fn add(&mut self, origin: String) {
        *self = match std::mem::take(self) {
            AllowedOrigins::Any => AllowedOrigins::Any,
            _ if origin == "*" => AllowedOrigins::Any,
            AllowedOrigins::None => AllowedOrigins::List(vec![origin]),
            AllowedOrigins::List(mut list) => {
                if !list.contains(&origin) {
                    list.push(origin);
                }
                AllowedOrigins::List(list)
            }
        }
    }
}

/// A command line that cannot be run.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CliError {
    /// No command given.
    #[error("no command given; accepted commands: serve, list, help")]
    NoCommand,
    /// An unknown command.
    #[error("unknown command '{0}'; accepted commands: serve, list, help")]
    UnknownCommand(String),
    /// A flag the command does not take.
    #[error("unknown flag '{flag}' for '{command}'; accepted: {accepted}")]
    UnknownFlag {
        /// The command.
        command: &'static str,
        /// The flag as given.
        flag: String,
        /// Flags the command takes.
        accepted: &'static str,
    },
    /// A flag given without its value.
    #[error("{flag} needs a value: {expected}")]
    MissingValue {
        /// The flag.
        flag: &'static str,
        /// What the value should be.
        expected: &'static str,
    },
    /// A flag value that cannot be used.
    #[error("invalid value '{value}' for {flag}: expected {expected}")]
    BadValue {
        /// The flag.
        flag: &'static str,
        /// The value as given.
        value: String,
        /// What is accepted.
        expected: &'static str,
    },
    /// A non-repeatable flag given twice.
    #[error("{0} given more than once")]
    Repeated(&'static str),
}

const SERVE_FLAGS: &str = "--db, --listen, --allow-origin, --help";
const LIST_FLAGS: &str = "--db, --limit, --format, --help";
const DB_EXPECTED: &str = "a file path, e.g. journey.db";
const LISTEN_EXPECTED: &str = "IP:PORT, e.g. 127.0.0.1:8787 or [::1]:0";
const ORIGIN_EXPECTED: &str =
    "an origin scheme://host[:port] with no path or trailing slash (e.g. http://127.0.0.1:8080), or *";
const LIMIT_EXPECTED: &str = "a whole number from 1 to 1000000";
const FORMAT_EXPECTED: &str = "json or table";

/// Parses the arguments after the program name.
pub fn parse<I, S>(args: I) -> Result<Command, CliError>
where
    I: IntoIterator<Item = S>,
    S: Into<String>,
{
    let mut args = args.into_iter().map(Into::into);
    let Some(command) = args.next() else {
        return Err(CliError::NoCommand);
    };
    let rest: Vec<String> = args.collect();
    match command.as_str() {
        "help" | "--help" | "-h" => Ok(Command::Help),
        "serve" => parse_serve(rest),
        "list" => parse_list(rest),
        _ => Err(CliError::UnknownCommand(command)),
    }
}

/// Splits `--flag value` / `--flag=value` pairs; `--help` anywhere wins.
struct Flags {
    items: std::vec::IntoIter<String>,
}

enum Flag {
    Help,
    Named(String, Option<String>),
}

impl Flags {
    fn next(&mut self) -> Option<Flag> {
        let arg = self.items.next()?;
        if arg == "--help" || arg == "-h" {
            return Some(Flag::Help);
        }
        Some(match arg.split_once('=') {
            Some((name, value)) if name.starts_with("--") => {
                Flag::Named(name.to_owned(), Some(value.to_owned()))
            }
            _ => Flag::Named(arg, None),
        })
    }

    fn value(
        &mut self,
        inline: Option<String>,
        flag: &'static str,
        expected: &'static str,
    ) -> Result<String, CliError> {
        inline
            .or_else(|| self.items.next())
            .ok_or(CliError::MissingValue { flag, expected })
    }
}

fn set_once<T>(slot: &mut Option<T>, flag: &'static str, value: T) -> Result<(), CliError> {
    if slot.replace(value).is_some() {
        return Err(CliError::Repeated(flag));
    }
    Ok(())
}

fn parse_serve(rest: Vec<String>) -> Result<Command, CliError> {
    let mut flags = Flags {
        items: rest.into_iter(),
    };
    let (mut db, mut listen) = (None, None);
    let mut allow_origins = AllowedOrigins::None;
    while let Some(flag) = flags.next() {
        let (name, inline) = match flag {
            Flag::Help => return Ok(Command::Help),
            Flag::Named(name, inline) => (name, inline),
        };
        match name.as_str() {
            "--db" => set_once(
                &mut db,
                "--db",
                parse_db(flags.value(inline, "--db", DB_EXPECTED)?)?,
            )?,
            "--listen" => {
                let v = flags.value(inline, "--listen", LISTEN_EXPECTED)?;
                let addr = v.parse::<SocketAddr>().map_err(|_| CliError::BadValue {
                    flag: "--listen",
                    value: v,
                    expected: LISTEN_EXPECTED,
                })?;
                set_once(&mut listen, "--listen", addr)?;
            }
            "--allow-origin" => {
                let v = flags.value(inline, "--allow-origin", ORIGIN_EXPECTED)?;
                if !is_origin(&v) {
                    return Err(CliError::BadValue {
                        flag: "--allow-origin",
                        value: v,
                        expected: ORIGIN_EXPECTED,
                    });
                }
                allow_origins.add(v);
            }
            _ => {
                return Err(CliError::UnknownFlag {
                    command: "serve",
                    flag: name,
                    accepted: SERVE_FLAGS,
                })
            }
        }
    }
    Ok(Command::Serve(ServeConfig {
        db: db.unwrap_or_else(|| DEFAULT_DB.into()),
        listen: listen.unwrap_or_else(|| DEFAULT_LISTEN.parse().expect("valid default")),
        allow_origins,
    }))
}

fn parse_list(rest: Vec<String>) -> Result<Command, CliError> {
    let mut flags = Flags {
        items: rest.into_iter(),
    };
    let (mut db, mut limit, mut format) = (None, None, None);
    while let Some(flag) = flags.next() {
        let (name, inline) = match flag {
            Flag::Help => return Ok(Command::Help),
            Flag::Named(name, inline) => (name, inline),
        };
        match name.as_str() {
            "--db" => set_once(
                &mut db,
                "--db",
                parse_db(flags.value(inline, "--db", DB_EXPECTED)?)?,
            )?,
            "--limit" => {
                let v = flags.value(inline, "--limit", LIMIT_EXPECTED)?;
                let n = match v.parse::<u32>() {
                    Ok(n @ 1..=1_000_000) => n,
                    _ => {
                        return Err(CliError::BadValue {
                            flag: "--limit",
                            value: v,
                            expected: LIMIT_EXPECTED,
                        })
                    }
                };
                set_once(&mut limit, "--limit", n)?;
            }
            "--format" => {
                let v = flags.value(inline, "--format", FORMAT_EXPECTED)?;
                let f = match v.as_str() {
                    "json" => ListFormat::Json,
                    "table" => ListFormat::Table,
                    _ => {
                        return Err(CliError::BadValue {
                            flag: "--format",
                            value: v,
                            expected: FORMAT_EXPECTED,
                        })
                    }
                };
                set_once(&mut format, "--format", f)?;
            }
            _ => {
                return Err(CliError::UnknownFlag {
                    command: "list",
                    flag: name,
                    accepted: LIST_FLAGS,
                })
            }
        }
    }
    Ok(Command::List(ListArgs {
        db: db.unwrap_or_else(|| DEFAULT_DB.into()),
        limit: limit.unwrap_or(DEFAULT_LIST_LIMIT),
        format: format.unwrap_or(ListFormat::Table),
    }))
}

fn parse_db(v: String) -> Result<PathBuf, CliError> {
    if v.is_empty() || v.starts_with("--") {
        return Err(CliError::BadValue {
            flag: "--db",
            value: v,
            expected: DB_EXPECTED,
        });
    }
    Ok(PathBuf::from(v))
}

/// `scheme://host[:port]` as browsers send it in `Origin` (or `*`).
fn is_origin(v: &str) -> bool {
    if v == "*" {
        return true;
    }
    let Some((scheme, rest)) = v.split_once("://") else {
        return false;
    };
    let scheme_ok = !scheme.is_empty()
        && scheme.starts_with(|c: char| c.is_ascii_lowercase())
        && scheme
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "+-.".contains(c));
    let host_ok = !rest.is_empty()
        && !rest
            .chars()
            .any(|c| c.is_whitespace() || c.is_ascii_uppercase() || "/?#@*".contains(c));
    scheme_ok && host_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(args: &[&str]) -> String {
        parse(args.iter().copied()).unwrap_err().to_string()
    }

    #[test]
    fn serve_defaults() {
        assert_eq!(
            parse(["serve"]).unwrap(),
            Command::Serve(ServeConfig {
                db: "journey.db".into(),
                listen: "127.0.0.1:8787".parse().unwrap(),
                allow_origins: AllowedOrigins::None,
            })
        );
    }

    #[test]
    fn serve_all_flags_both_spellings() {
        let cmd = parse([
            "serve",
            "--db",
            "/tmp/x.db",
            "--listen=0.0.0.0:0",
            "--allow-origin",
            "http://127.0.0.1:8080",
            "--allow-origin=https://dichvucong.gov.vn",
            "--allow-origin",
            "http://127.0.0.1:8080",
        ])
        .unwrap();
        assert_eq!(
            cmd,
            Command::Serve(ServeConfig {
                db: "/tmp/x.db".into(),
                listen: "0.0.0.0:0".parse().unwrap(),
                allow_origins: AllowedOrigins::List(vec![
                    "http://127.0.0.1:8080".into(),
                    "https://dichvucong.gov.vn".into()
                ]),
            })
        );
    }

    #[test]
    fn star_allows_any() {
        let Command::Serve(a) = parse([
            "serve",
            "--allow-origin",
            "http://a.vn",
            "--allow-origin",
            "*",
        ])
        .unwrap() else {
            panic!()
        };
        assert_eq!(a.allow_origins, AllowedOrigins::Any);
        assert!(a.allow_origins.allows("http://anything"));
        assert!(!AllowedOrigins::None.allows("http://a.vn"));
        assert!(AllowedOrigins::List(vec!["http://a.vn".into()]).allows("http://a.vn"));
        assert!(!AllowedOrigins::List(vec!["http://a.vn".into()]).allows("http://a.vn:81"));
    }

    #[test]
    fn list_flags() {
        assert_eq!(
            parse(["list"]).unwrap(),
            Command::List(ListArgs {
                db: "journey.db".into(),
                limit: 100,
                format: ListFormat::Table
            })
        );
        assert_eq!(
            parse(["list", "--db=a.db", "--limit", "5", "--format", "json"]).unwrap(),
            Command::List(ListArgs {
                db: "a.db".into(),
                limit: 5,
                format: ListFormat::Json
            })
        );
    }

    #[test]
    fn help_everywhere() {
        for args in [
            &["help"][..],
            &["--help"],
            &["-h"],
            &["serve", "--help"],
            &["list", "-h"],
        ] {
            assert_eq!(
                parse(args.iter().copied()).unwrap(),
                Command::Help,
                "{args:?}"
            );
        }
    }

    #[test]
    fn errors_name_the_problem_and_the_accepted() {
        assert_eq!(
            err(&[]),
            "no command given; accepted commands: serve, list, help"
        );
        assert_eq!(
            err(&["run"]),
            "unknown command 'run'; accepted commands: serve, list, help"
        );
        assert_eq!(
            err(&["serve", "--port", "1"]),
            "unknown flag '--port' for 'serve'; accepted: --db, --listen, --allow-origin, --help"
        );
        assert_eq!(
            err(&["list", "--listen", "x"]),
            "unknown flag '--listen' for 'list'; accepted: --db, --limit, --format, --help"
        );
        assert!(err(&["serve", "--db"]).starts_with("--db needs a value"));
        assert!(err(&["serve", "--listen", "localhost:80"])
            .starts_with("invalid value 'localhost:80' for --listen: expected IP:PORT"));
        assert!(err(&["serve", "--allow-origin", "http://a.vn/"])
            .starts_with("invalid value 'http://a.vn/' for --allow-origin"));
        assert!(err(&["serve", "--allow-origin", "a.vn"]).contains("a.vn"));
        assert!(err(&["list", "--limit", "0"])
            .starts_with("invalid value '0' for --limit: expected a whole number"));
        assert!(err(&["list", "--limit", "ten"]).contains("'ten'"));
        assert_eq!(
            err(&["list", "--format", "csv"]),
            "invalid value 'csv' for --format: expected json or table"
        );
        assert_eq!(
            err(&["list", "--db", "a", "--db", "b"]),
            "--db given more than once"
        );
        assert!(
            err(&["serve", "--db", "--listen"]).starts_with("invalid value '--listen' for --db")
        );
    }

    #[test]
    fn origin_shapes() {
        for ok in [
            "*",
            "http://127.0.0.1:8080",
            "https://dichvucong.gov.vn",
            "http://[::1]:3000",
        ] {
            assert!(is_origin(ok), "{ok}");
        }
        for bad in [
            "",
            "http://",
            "a.vn",
            "http://a.vn/",
            "HTTP://a.vn",
            "http://A.vn",
            "http://a.vn?x",
            "http://*.vn",
        ] {
            assert!(!is_origin(bad), "{bad}");
        }
    }
}
