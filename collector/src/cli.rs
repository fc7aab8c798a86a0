//! Command-line parsing: arguments in, a typed [`Command`] out. Errors name the bad flag or
//! value and say what is accepted. One flag reader ([`Flags`]) serves every command.

use std::net::SocketAddr;
use std::path::PathBuf;

use crate::http::Options;
#[cfg(test)]
use crate::http::MAX_BODY_BYTES;
use crate::server::{ServeConfig, StoreSpec};

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
    journey-collector serve  [STORE] [--listen ADDR] [--allow-origin ORIGIN]...
                             [--max-body BYTES] [--rate-limit N] [--portal-rate-limit N]
                             [--client-ip-header NAME] [--max-connections N]
                             [--read-token-file FILE] [--sender-token-file FILE]
                             [--processing-token-file FILE] [--public-reports]
                             [--report-cache-seconds N] [--step-slugs SLUG,SLUG]
    journey-collector list   [STORE] [--limit N] [--format json|table]
    journey-collector report [STORE] [--service CODE] [--portal ORIGIN] [--from DATE]
                             [--to DATE] [--target-seconds N] [--format json|csv|md]
    journey-collector help | --help

STORE   --db PATH              an SQLite file (default: journey.db)
        --store sqlite:PATH    the same
        --store clickhouse:URL a ClickHouse HTTP interface, e.g.
                               clickhouse:http://127.0.0.1:8123/?database=journeys

serve   Receive beacons on POST /v1/beacons, validate them against the beacon
        schema and store them. Also serves GET /v1/report, GET /dashboard,
        GET /metrics, POST /v1/processing and GET /healthz. Stops cleanly on
        SIGINT/SIGTERM.
    --listen ADDR          IP:PORT to listen on; port 0 picks a free port
                           (default: 127.0.0.1:8787)
    --allow-origin ORIGIN  Browser origin allowed to send beacons, exactly as
                           the browser sends it (e.g. https://dichvucong.gov.vn),
                           or * for any. Repeatable. Without it, requests that
                           carry an Origin header are refused.
    --max-body BYTES       Largest request body (default: 65536)
    --rate-limit N         Beacon requests per second from one client address
                           (an IPv6 client: its /64), with ten seconds' burst;
                           0 for no limit (default: 50)
    --portal-rate-limit N  Beacon requests per second one portal may store, with
                           ten seconds' burst; 0 for no limit (default: 2000)
    --client-ip-header H   Behind a reverse proxy: the header it writes the
                           client's address into (e.g. x-forwarded-for; its last
                           address counts). Only name a header your proxy sets.
    --max-connections N    Open connections at most (default: 1024); keep it
                           below the process's file limit (ulimit -n)
    --read-token-file F    A file holding the token that reads /v1/beacons,
                           /v1/report and /dashboard (or set
                           JOURNEY_COLLECTOR_READ_TOKEN). Without one, nothing
                           can be read.
    --public-reports       /v1/report and /dashboard open to anyone (aggregates
                           only; raw beacons still need the read token)
    --report-cache-seconds N
                           Serve a report again for the same query for N
                           seconds (default: 5; 0: always make it anew)
    --sender-token-file F  A file holding the token server-side senders put on
                           beacons without an Origin (or set
                           JOURNEY_COLLECTOR_SENDER_TOKEN). Without one, beacons
                           without an Origin are refused.
    --processing-token-file F
                           A file holding the token of POST /v1/processing
                           (criterion 3; or set JOURNEY_COLLECTOR_PROCESSING_TOKEN).
                           Without one, the endpoint is off.
                           Tokens: at least 16 characters, no spaces; never on
                           the command line, where other users can read them.
    --step-slugs LIST      Path segments the portals declare as step names
                           (their data-step-slugs), kept in paths where the
                           privacy rule would redact them (e.g. nguyen-tac)

list    Print stored beacons, oldest first.
    --limit N              Show the N most recent beacons (default: 100)
    --format json|table    json: one {\"received_ms\",\"beacon\"} object per line;
                           table: a compact human table (default: table)

report  Print the QCVN report of a service or the whole portal over a period.
    --service CODE         Only this service (default: all)
    --portal ORIGIN        Only beacons from this portal origin (default: all)
    --from DATE            First day, YYYY-MM-DD, UTC (default: everything)
    --to DATE              Last day, inclusive (default: today)
    --target-seconds N     Criterion 2 target (default: by the year of --from:
                           480 up to 2025, 300 from 2026)
    --format json|csv|md   (default: md)
";

/// What the command line asks for.
#[derive(Debug, Clone)]
pub enum Command {
    /// Run the HTTP collector.
    Serve(Box<ServeConfig>),
    /// Print stored beacons.
    List(ListArgs),
    /// Print a report.
    Report(ReportArgs),
    /// Print usage.
    Help,
}

/// Arguments of `list`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListArgs {
    /// Where the beacons are.
    pub store: StoreSpec,
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

/// Arguments of `report`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportArgs {
    /// Where the beacons are.
    pub store: StoreSpec,
    /// The report's query, as `GET /v1/report` takes it (`service=…&from=…`).
    pub query: String,
    /// Output format.
    pub format: ReportFormat,
    /// The moment the report is made, epoch ms (`None`: now). It decides which silent
    /// journeys are abandoned; set it to make a report again exactly as it was.
    pub now_ms: Option<i64>,
}

/// Output format of `report`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportFormat {
    /// The API's JSON.
    Json,
    /// `section,metric,value` rows.
    Csv,
    /// Markdown for people.
    Markdown,
}

/// A command line that cannot be run.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CliError {
    /// No command given.
    #[error("no command given; accepted commands: serve, list, report, help")]
    NoCommand,
    /// An unknown command.
    #[error("unknown command '{0}'; accepted commands: serve, list, report, help")]
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
        flag: String,
        /// What the value should be.
        expected: &'static str,
    },
    /// A flag value that cannot be used.
    #[error("invalid value '{value}' for {flag}: expected {expected}")]
    BadValue {
        /// The flag.
        flag: String,
        /// The value as given.
        value: String,
        /// What is accepted.
        expected: &'static str,
    },
    /// A non-repeatable flag given twice.
    #[error("{0} given more than once")]
    Repeated(String),
    /// A secret given on the command line, where every user of the machine can read it.
    #[error("{flag} is not accepted: a token on the command line can be read by every user of the machine (ps); set {env} or use {file} FILE")]
    SecretOnCommandLine {
        /// The flag given.
        flag: String,
        /// The environment variable to use instead.
        env: &'static str,
        /// The file flag to use instead.
        file: &'static str,
    },
}

/// A token from `file` if given, else from the environment variable `env`.
fn token(
    flag: &str,
    file: Option<String>,
    env: &str,
    read_env: &dyn Fn(&str) -> Option<String>,
) -> Result<Option<String>, CliError> {
    let (text, shown) = match file {
        Some(path) => match std::fs::read_to_string(&path) {
            Ok(text) => (text, path),
            Err(e) => {
                return Err(CliError::BadValue {
                    flag: flag.to_owned(),
                    value: format!("{path} ({e})"),
                    expected: FILE_EXPECTED,
                })
            }
        },
        None => match read_env(env) {
            Some(text) => (text, env.to_owned()),
            None => return Ok(None),
        },
    };
    let text = text.trim().to_owned();
    if text.len() < 16 || text.contains(char::is_whitespace) {
        return Err(bad(
            flag,
            format!("(the token in {shown}, hidden)"),
            TOKEN_EXPECTED,
        ));
    }
    Ok(Some(text))
}

const SERVE_FLAGS: &str = "--db, --store, --listen, --allow-origin, --max-body, --rate-limit, \
--portal-rate-limit, --client-ip-header, --max-connections, --read-token-file, --public-reports, \
--sender-token-file, --processing-token-file, --report-cache-seconds, --step-slugs, --help";
const SLUGS_EXPECTED: &str = "path segments separated by commas, each 1 to 64 letters, digits, \
'.', '_', '~' or '-' (e.g. nguyen-tac,buoc-xac-nhan)";
const LIST_FLAGS: &str = "--db, --store, --limit, --format, --help";
const REPORT_FLAGS: &str =
    "--db, --store, --service, --portal, --from, --to, --target-seconds, --format, --help";
const DB_EXPECTED: &str = "a file path, e.g. journey.db";
const STORE_EXPECTED: &str =
    "sqlite:PATH or clickhouse:http://HOST:PORT/?database=NAME (e.g. sqlite:journey.db)";
const LISTEN_EXPECTED: &str = "IP:PORT, e.g. 127.0.0.1:8787 or [::1]:0";
const ORIGIN_EXPECTED: &str =
    "an origin scheme://host[:port] with no path or trailing slash (e.g. http://127.0.0.1:8080), or *";
const LIMIT_EXPECTED: &str = "a whole number from 1 to 1000000";
const LIST_FORMAT_EXPECTED: &str = "json or table";
const REPORT_FORMAT_EXPECTED: &str = "json, csv or md";
const BODY_EXPECTED: &str = "a whole number of bytes from 1024 to 16777216";
const RATE_EXPECTED: &str = "a whole number of requests per second from 0 (no limit) to 100000";
const TOKEN_EXPECTED: &str = "at least 16 characters, no spaces";
const FILE_EXPECTED: &str = "a readable file holding the token (at least 16 characters, no spaces)";
const HEADER_EXPECTED: &str = "an HTTP header name, e.g. x-forwarded-for or x-real-ip";
const CACHE_EXPECTED: &str = "a whole number of seconds from 0 (no cache) to 300";
const CONNECTIONS_EXPECTED: &str = "a whole number from 16 to 1000000";
const SERVICE_EXPECTED: &str = "a service code, e.g. 1.001234";
const TARGET_EXPECTED: &str = "a whole number of seconds from 1 to 86400";

/// Parses the arguments after the program name.
pub fn parse<I, S>(args: I) -> Result<Command, CliError>
where
    I: IntoIterator<Item = S>,
    S: Into<String>,
{
    parse_with_env(args, &|name| std::env::var(name).ok())
}

/// [`parse`] with the environment read through `read_env` (tokens come from there).
pub fn parse_with_env<I, S>(
    args: I,
    read_env: &dyn Fn(&str) -> Option<String>,
) -> Result<Command, CliError>
where
    I: IntoIterator<Item = S>,
    S: Into<String>,
{
    let mut args = args.into_iter().map(Into::into);
    let Some(command) = args.next() else {
        return Err(CliError::NoCommand);
    };
    let flags = Flags {
        items: args.collect::<Vec<_>>().into_iter(),
        seen: Vec::new(),
    };
    match command.as_str() {
        "help" | "--help" | "-h" => Ok(Command::Help),
        "serve" => parse_serve(flags, read_env),
        "list" => parse_list(flags),
        "report" => parse_report(flags),
        _ => Err(CliError::UnknownCommand(command)),
    }
}

/// Reads `--flag value` / `--flag=value` pairs; `--help` anywhere wins.
struct Flags {
    items: std::vec::IntoIter<String>,
    seen: Vec<String>,
}

/// One flag read: its name and value (`None` for `--help`).
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

    /// The flag's value; refuses a second use unless `repeatable`.
    fn value(
        &mut self,
        flag: &str,
        inline: Option<String>,
        expected: &'static str,
        repeatable: bool,
    ) -> Result<String, CliError> {
        if !repeatable && self.seen.iter().any(|s| s == flag) {
            return Err(CliError::Repeated(flag.to_owned()));
        }
        self.seen.push(flag.to_owned());
        let value = inline
            .or_else(|| self.items.next())
            .ok_or_else(|| CliError::MissingValue {
                flag: flag.to_owned(),
                expected,
            })?;
        if value.is_empty() || value.starts_with("--") {
            return Err(bad(flag, value, expected));
        }
        Ok(value)
    }
}

fn bad(flag: &str, value: String, expected: &'static str) -> CliError {
    CliError::BadValue {
        flag: flag.to_owned(),
        value,
        expected,
    }
}

/// A number within bounds.
fn number<T: std::str::FromStr + PartialOrd>(
    flag: &str,
    value: String,
    min: T,
    max: T,
    expected: &'static str,
) -> Result<T, CliError> {
    match value.parse::<T>() {
        Ok(n) if n >= min && n <= max => Ok(n),
        _ => Err(bad(flag, value, expected)),
    }
}

/// `--db PATH` or `--store sqlite:PATH|clickhouse:URL`, if this flag is one of them.
fn store_flag(
    flags: &mut Flags,
    name: &str,
    inline: Option<String>,
    store: &mut Option<StoreSpec>,
) -> Result<bool, CliError> {
    let spec = match name {
        "--db" => StoreSpec::Sqlite(PathBuf::from(flags.value(
            "--db",
            inline,
            DB_EXPECTED,
            false,
        )?)),
        "--store" => {
            let v = flags.value("--store", inline, STORE_EXPECTED, false)?;
            parse_store(&v).ok_or_else(|| bad("--store", v, STORE_EXPECTED))?
        }
        _ => return Ok(false),
    };
    if store.replace(spec).is_some() {
        return Err(CliError::Repeated("--db/--store".into()));
    }
    Ok(true)
}

/// `sqlite:PATH` or `clickhouse:http(s)://…`.
pub fn parse_store(v: &str) -> Option<StoreSpec> {
    if let Some(path) = v.strip_prefix("sqlite:") {
        return (!path.is_empty()).then(|| StoreSpec::Sqlite(PathBuf::from(path)));
    }
    let url = v.strip_prefix("clickhouse:")?;
    (url.starts_with("http://") || url.starts_with("https://"))
        .then(|| StoreSpec::ClickHouse(url.to_owned()))
}

fn default_store(store: Option<StoreSpec>) -> StoreSpec {
    store.unwrap_or_else(|| StoreSpec::Sqlite(DEFAULT_DB.into()))
}

fn parse_serve(
    mut flags: Flags,
    read_env: &dyn Fn(&str) -> Option<String>,
) -> Result<Command, CliError> {
    let (mut store, mut listen) = (None, None);
    let mut options = Options::default();
    let mut connections = crate::server::ConnectionLimits::default();
    let (mut read_file, mut sender_file, mut processing_file) = (None, None, None);
    while let Some(flag) = flags.next() {
        let Flag::Named(name, inline) = flag else {
            return Ok(Command::Help);
        };
        if store_flag(&mut flags, &name, inline.clone(), &mut store)? {
            continue;
        }
        match name.as_str() {
            "--listen" => {
                let v = flags.value("--listen", inline, LISTEN_EXPECTED, false)?;
                listen = Some(
                    v.parse::<SocketAddr>()
                        .map_err(|_| bad("--listen", v, LISTEN_EXPECTED))?,
                );
            }
            "--allow-origin" => {
                let v = flags.value("--allow-origin", inline, ORIGIN_EXPECTED, true)?;
                if !is_origin(&v) {
                    return Err(bad("--allow-origin", v, ORIGIN_EXPECTED));
                }
                options.origins.add(v);
            }
            "--max-body" => {
                let v = flags.value("--max-body", inline, BODY_EXPECTED, false)?;
                options.max_body_bytes = number("--max-body", v, 1024, 16 << 20, BODY_EXPECTED)?;
            }
            "--rate-limit" => {
                let v = flags.value("--rate-limit", inline, RATE_EXPECTED, false)?;
                options.rate_per_client = number("--rate-limit", v, 0, 100_000, RATE_EXPECTED)?;
            }
            "--portal-rate-limit" => {
                let v = flags.value("--portal-rate-limit", inline, RATE_EXPECTED, false)?;
                options.rate_per_portal =
                    number("--portal-rate-limit", v, 0, 100_000, RATE_EXPECTED)?;
            }
            "--client-ip-header" => {
                let v = flags.value("--client-ip-header", inline, HEADER_EXPECTED, false)?;
                let name = axum::http::HeaderName::from_bytes(v.trim().as_bytes())
                    .map_err(|_| bad("--client-ip-header", v, HEADER_EXPECTED))?;
                options.client_ip_header = Some(name);
            }
            "--max-connections" => {
                let v = flags.value("--max-connections", inline, CONNECTIONS_EXPECTED, false)?;
                connections.max_connections =
                    number("--max-connections", v, 16, 1_000_000, CONNECTIONS_EXPECTED)?;
            }
            "--read-token-file" => {
                read_file = Some(flags.value("--read-token-file", inline, FILE_EXPECTED, false)?);
            }
            "--sender-token-file" => {
                sender_file =
                    Some(flags.value("--sender-token-file", inline, FILE_EXPECTED, false)?);
            }
            "--processing-token-file" => {
                processing_file =
                    Some(flags.value("--processing-token-file", inline, FILE_EXPECTED, false)?);
            }
            "--public-reports" => {
                if inline.is_some() {
                    return Err(bad(
                        "--public-reports",
                        inline.unwrap_or_default(),
                        "no value",
                    ));
                }
                options.public_reports = true;
            }
            "--processing-token" | "--read-token" | "--sender-token" => {
                let (env, file) = match name.as_str() {
                    "--read-token" => (crate::http::READ_TOKEN_ENV, "--read-token-file"),
                    "--sender-token" => (crate::http::SENDER_TOKEN_ENV, "--sender-token-file"),
                    _ => (crate::http::PROCESSING_TOKEN_ENV, "--processing-token-file"),
                };
                return Err(CliError::SecretOnCommandLine {
                    flag: name,
                    env,
                    file,
                });
            }
            "--report-cache-seconds" => {
                let v = flags.value("--report-cache-seconds", inline, CACHE_EXPECTED, false)?;
                let seconds: u64 = number("--report-cache-seconds", v, 0, 300, CACHE_EXPECTED)?;
                options.report_cache = std::time::Duration::from_secs(seconds);
            }
            "--step-slugs" => {
                let v = flags.value("--step-slugs", inline, SLUGS_EXPECTED, false)?;
                let slugs: Vec<String> = v
                    .split(',')
                    .map(|s| s.trim().to_string())
                    .filter(|s| !s.is_empty())
                    .collect();
                let ok = !slugs.is_empty()
                    && slugs.iter().all(|s| {
                        s.len() <= 64
                            && s.bytes().all(|b| {
                                b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'~' | b'-')
                            })
                    });
                if !ok {
                    return Err(bad("--step-slugs", v, SLUGS_EXPECTED));
                }
                options.step_slugs = slugs;
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
    options.read_token = token(
        "--read-token-file",
        read_file,
        crate::http::READ_TOKEN_ENV,
        read_env,
    )?;
    options.sender_token = token(
        "--sender-token-file",
        sender_file,
        crate::http::SENDER_TOKEN_ENV,
        read_env,
    )?;
    options.processing_token = token(
        "--processing-token-file",
        processing_file,
        crate::http::PROCESSING_TOKEN_ENV,
        read_env,
    )?;
    Ok(Command::Serve(Box::new(ServeConfig {
        store: default_store(store),
        listen: listen.unwrap_or_else(|| DEFAULT_LISTEN.parse().expect("default address")),
        options,
        connections,
    })))
}

fn parse_list(mut flags: Flags) -> Result<Command, CliError> {
    let (mut store, mut limit, mut format) = (None, None, None);
    while let Some(flag) = flags.next() {
        let Flag::Named(name, inline) = flag else {
            return Ok(Command::Help);
        };
        if store_flag(&mut flags, &name, inline.clone(), &mut store)? {
            continue;
        }
        match name.as_str() {
            "--limit" => {
                let v = flags.value("--limit", inline, LIMIT_EXPECTED, false)?;
                limit = Some(number("--limit", v, 1, 1_000_000, LIMIT_EXPECTED)?);
            }
            "--format" => {
                let v = flags.value("--format", inline, LIST_FORMAT_EXPECTED, false)?;
                format = Some(match v.as_str() {
                    "json" => ListFormat::Json,
                    "table" => ListFormat::Table,
                    _ => return Err(bad("--format", v, LIST_FORMAT_EXPECTED)),
                });
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
        store: default_store(store),
        limit: limit.unwrap_or(DEFAULT_LIST_LIMIT),
        format: format.unwrap_or(ListFormat::Table),
    }))
}

fn parse_report(mut flags: Flags) -> Result<Command, CliError> {
    let (mut store, mut format) = (None, None);
    let mut query: Vec<String> = Vec::new();
    while let Some(flag) = flags.next() {
        let Flag::Named(name, inline) = flag else {
            return Ok(Command::Help);
        };
        if store_flag(&mut flags, &name, inline.clone(), &mut store)? {
            continue;
        }
        let (key, expected) = match name.as_str() {
            "--service" => ("service", SERVICE_EXPECTED),
            "--portal" => ("portal", ORIGIN_EXPECTED),
            "--from" => ("from", crate::period::DATE_EXPECTED),
            "--to" => ("to", crate::period::DATE_EXPECTED),
            "--target-seconds" => ("target_seconds", TARGET_EXPECTED),
            "--format" => {
                let v = flags.value("--format", inline, REPORT_FORMAT_EXPECTED, false)?;
                format = Some(match v.as_str() {
                    "json" => ReportFormat::Json,
                    "csv" => ReportFormat::Csv,
                    "md" => ReportFormat::Markdown,
                    _ => return Err(bad("--format", v, REPORT_FORMAT_EXPECTED)),
                });
                continue;
            }
            _ => {
                return Err(CliError::UnknownFlag {
                    command: "report",
                    flag: name,
                    accepted: REPORT_FLAGS,
                })
            }
        };
        let v = flags.value(&name, inline, expected, false)?;
        let ok = match key {
            "from" | "to" => crate::period::parse_date(&v).is_some(),
            "target_seconds" => number(&name, v.clone(), 1, 86_400, TARGET_EXPECTED).is_ok(),
            "portal" => is_origin(&v) && v != "*",
            _ => v
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_')),
        };
        if !ok {
            return Err(bad(&name, v, expected));
        }
        query.push(format!(
            "{key}={}",
            v.replace('%', "%25").replace('&', "%26")
        ));
    }
    Ok(Command::Report(ReportArgs {
        store: default_store(store),
        query: query.join("&"),
        format: format.unwrap_or(ReportFormat::Markdown),
        now_ms: None,
    }))
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
    use crate::http::AllowedOrigins;

    fn err(args: &[&str]) -> String {
        parse(args.iter().copied()).unwrap_err().to_string()
    }

    fn serve(args: &[&str]) -> ServeConfig {
        match parse(args.iter().copied()).unwrap() {
            Command::Serve(c) => *c,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn serve_defaults() {
        let c = serve(&["serve"]);
        assert_eq!(c.store, StoreSpec::Sqlite("journey.db".into()));
        assert_eq!(c.listen, "127.0.0.1:8787".parse().unwrap());
        assert_eq!(c.options.origins, AllowedOrigins::None);
        assert_eq!(c.options.max_body_bytes, MAX_BODY_BYTES);
        assert_eq!(
            (c.options.rate_per_client, c.options.rate_per_portal),
            (50, 2000)
        );
        assert_eq!(
            (
                c.options.processing_token,
                c.options.read_token,
                c.options.sender_token
            ),
            (None, None, None)
        );
        assert!(!c.options.public_reports);
        assert_eq!(c.connections.max_connections, 1024);
    }

    #[test]
    fn serve_all_flags_both_spellings() {
        let c = serve(&[
            "serve",
            "--store",
            "clickhouse:http://127.0.0.1:8123/?database=j",
            "--listen=0.0.0.0:0",
            "--allow-origin",
            "http://127.0.0.1:8080",
            "--allow-origin=https://dichvucong.gov.vn",
            "--allow-origin",
            "http://127.0.0.1:8080",
            "--max-body=2048",
            "--rate-limit",
            "0",
            "--portal-rate-limit=7",
            "--client-ip-header",
            "X-Forwarded-For",
            "--max-connections=64",
            "--public-reports",
        ]);
        assert_eq!(
            c.store,
            StoreSpec::ClickHouse("http://127.0.0.1:8123/?database=j".into())
        );
        assert_eq!(c.listen, "0.0.0.0:0".parse().unwrap());
        assert_eq!(
            c.options.origins,
            AllowedOrigins::List(vec![
                "http://127.0.0.1:8080".into(),
                "https://dichvucong.gov.vn".into()
            ])
        );
        assert_eq!(
            (
                c.options.max_body_bytes,
                c.options.rate_per_client,
                c.options.rate_per_portal
            ),
            (2048, 0, 7)
        );
        assert_eq!(
            c.options.client_ip_header.as_ref().map(|h| h.as_str()),
            Some("x-forwarded-for")
        );
        assert_eq!(c.connections.max_connections, 64);
        assert!(c.options.public_reports);
        assert_eq!(
            serve(&["serve", "--db", "/tmp/x.db"]).store,
            StoreSpec::Sqlite("/tmp/x.db".into())
        );
        assert_eq!(
            serve(&["serve", "--store=sqlite:/tmp/y.db"]).store,
            StoreSpec::Sqlite("/tmp/y.db".into())
        );
    }

    fn serve_env(args: &[&str], env: &[(&str, &str)]) -> Result<ServeConfig, CliError> {
        let env: Vec<(String, String)> = env
            .iter()
            .map(|(k, v)| ((*k).into(), (*v).into()))
            .collect();
        let read = move |name: &str| env.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
        match parse_with_env(args.iter().copied(), &read)? {
            Command::Serve(c) => Ok(*c),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn tokens_come_from_the_environment_or_a_file_never_the_command_line() {
        let c = serve_env(
            &["serve"],
            &[
                ("JOURNEY_COLLECTOR_READ_TOKEN", "read-token-0123456789"),
                (
                    "JOURNEY_COLLECTOR_SENDER_TOKEN",
                    " sender-token-0123456789\n",
                ),
            ],
        )
        .unwrap();
        assert_eq!(
            c.options.read_token.as_deref(),
            Some("read-token-0123456789")
        );
        assert_eq!(
            c.options.sender_token.as_deref(),
            Some("sender-token-0123456789"),
            "trimmed"
        );
        let dir = std::env::temp_dir().join(format!("jc-cli-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("processing");
        std::fs::write(&file, "processing-token-0123456789\n").unwrap();
        let path = file.to_str().unwrap();
        let c = serve_env(
            &["serve", "--processing-token-file", path],
            &[(
                "JOURNEY_COLLECTOR_PROCESSING_TOKEN",
                "other-token-0123456789",
            )],
        )
        .unwrap();
        assert_eq!(
            c.options.processing_token.as_deref(),
            Some("processing-token-0123456789"),
            "the file wins"
        );
        let e = serve_env(
            &["serve", "--processing-token", "0123456789abcdef0123"],
            &[],
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("JOURNEY_COLLECTOR_PROCESSING_TOKEN"), "{e}");
        assert!(
            !e.contains("0123456789abcdef0123"),
            "the secret is not echoed: {e}"
        );
        let e = serve_env(&["serve"], &[("JOURNEY_COLLECTOR_READ_TOKEN", "short")])
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("at least 16 characters") && !e.contains("short"),
            "{e}"
        );
        let e = serve_env(&["serve", "--read-token-file", "/nonexistent/token"], &[])
            .unwrap_err()
            .to_string();
        assert!(e.contains("/nonexistent/token"), "{e}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn star_allows_any() {
        let c = serve(&[
            "serve",
            "--allow-origin",
            "http://a.vn",
            "--allow-origin",
            "*",
        ]);
        assert_eq!(c.options.origins, AllowedOrigins::Any);
        assert!(c.options.origins.allows("http://anything"));
        assert!(!AllowedOrigins::None.allows("http://a.vn"));
        assert!(AllowedOrigins::List(vec!["http://a.vn".into()]).allows("http://a.vn"));
        assert!(!AllowedOrigins::List(vec!["http://a.vn".into()]).allows("http://a.vn:81"));
    }

    #[test]
    fn list_flags() {
        let Command::List(l) = parse(["list"]).unwrap() else {
            panic!()
        };
        assert_eq!(
            l,
            ListArgs {
                store: StoreSpec::Sqlite("journey.db".into()),
                limit: 100,
                format: ListFormat::Table
            }
        );
        let Command::List(l) =
            parse(["list", "--db=a.db", "--limit", "5", "--format", "json"]).unwrap()
        else {
            panic!()
        };
        assert_eq!(
            l,
            ListArgs {
                store: StoreSpec::Sqlite("a.db".into()),
                limit: 5,
                format: ListFormat::Json
            }
        );
    }

    #[test]
    fn report_flags_become_the_api_query() {
        let Command::Report(r) = parse([
            "report",
            "--db",
            "j.db",
            "--service",
            "1.001234",
            "--from",
            "2026-11-01",
            "--to=2026-11-30",
            "--portal",
            "https://dvc.example.gov.vn",
            "--target-seconds",
            "480",
            "--format",
            "csv",
        ])
        .unwrap() else {
            panic!()
        };
        assert_eq!(
            r.query,
            "service=1.001234&from=2026-11-01&to=2026-11-30&portal=https://dvc.example.gov.vn&target_seconds=480"
        );
        assert_eq!(
            (r.format, r.store),
            (ReportFormat::Csv, StoreSpec::Sqlite("j.db".into()))
        );
        let Command::Report(r) = parse(["report"]).unwrap() else {
            panic!()
        };
        assert_eq!((r.query.as_str(), r.format), ("", ReportFormat::Markdown));
    }

    #[test]
    fn help_everywhere() {
        for args in [
            &["help"][..],
            &["--help"],
            &["-h"],
            &["serve", "--help"],
            &["list", "-h"],
            &["report", "--help"],
        ] {
            assert!(
                matches!(parse(args.iter().copied()).unwrap(), Command::Help),
                "{args:?}"
            );
        }
    }

    #[test]
    fn errors_name_the_problem_and_the_accepted() {
        assert_eq!(
            err(&[]),
            "no command given; accepted commands: serve, list, report, help"
        );
        assert_eq!(
            err(&["srve"]),
            "unknown command 'srve'; accepted commands: serve, list, report, help"
        );
        assert_eq!(
            err(&["serve", "--port", "1"]),
            format!("unknown flag '--port' for 'serve'; accepted: {SERVE_FLAGS}")
        );
        assert_eq!(
            err(&["list", "--listen", "x"]),
            format!("unknown flag '--listen' for 'list'; accepted: {LIST_FLAGS}")
        );
        assert!(err(&["serve", "--db"]).starts_with("--db needs a value"));
        assert!(err(&["serve", "--listen", "localhost:80"])
            .starts_with("invalid value 'localhost:80' for --listen"));
        assert!(
            err(&["serve", "--allow-origin", "http://a.vn/"]).contains("an origin scheme://host")
        );
        assert_eq!(
            err(&["list", "--db", "a", "--db", "b"]),
            "--db given more than once"
        );
        assert_eq!(
            err(&["list", "--db", "a", "--store", "sqlite:b"]),
            "--db/--store given more than once"
        );
        assert!(
            err(&["serve", "--db", "--listen"]).starts_with("invalid value '--listen' for --db")
        );
        assert!(err(&["list", "--limit", "0"]).contains("a whole number from 1 to 1000000"));
        assert!(err(&["list", "--format", "xml"]).ends_with("expected json or table"));
        assert!(err(&["serve", "--store", "mysql:x"]).contains("sqlite:PATH or clickhouse:"));
        assert!(err(&["serve", "--max-body", "10"]).contains("from 1024 to 16777216"));
        assert!(err(&["serve", "--processing-token", "short"])
            .starts_with("--processing-token is not accepted: a token on the command line"));
        assert!(err(&["serve", "--client-ip-header", "a b"]).contains("an HTTP header name"));
        assert!(err(&["serve", "--max-connections", "3"]).contains("from 16 to 1000000"));
        assert!(err(&["report", "--from", "2026-13-01"]).contains("YYYY-MM-DD"));
        assert!(err(&["report", "--format", "pdf"]).ends_with("expected json, csv or md"));
        assert!(err(&["report", "--service", "a b"]).contains("a service code"));
    }
}
