//! Command-line parsing: arguments in, a typed [`Command`] out. clap reads the flags; the
//! value parsers here say what each flag accepts, so that every error names the flag, the
//! value given and what is accepted. Tokens never come from the command line: from a file
//! (`--*-token-file`) or the environment (`JOURNEY_COLLECTOR_*_TOKEN`).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::str::FromStr;

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{Args, CommandFactory, Parser, Subcommand, ValueEnum};

use crate::http::{
    Options, DEFAULT_RATE_PER_CLIENT, DEFAULT_RATE_PER_PORTAL, MAX_BODY_BYTES,
    PROCESSING_TOKEN_ENV, READ_TOKEN_ENV, REPORT_CACHE_TTL, SENDER_TOKEN_ENV,
};
use crate::server::{ConnectionLimits, ServeConfig, StoreSpec};

/// Default `--db`.
pub const DEFAULT_DB: &str = "journey.db";
/// Default `--listen`.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8787";
/// Default `--limit` of `list`.
pub const DEFAULT_LIST_LIMIT: u32 = 100;

/// What the command line asks for.
#[derive(Debug, Clone)]
pub enum Command {
    /// Run the HTTP collector.
    Serve(Box<ServeConfig>),
    /// Print stored beacons.
    List(ListArgs),
    /// Print a report.
    Report(ReportArgs),
    /// Print completions for a shell.
    Completions(clap_complete::Shell),
    /// Print this help text (`help`, `--help`, `-h`, `help serve`, `serve --help`, …).
    Help(String),
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    /// The API's JSON.
    Json,
    /// `section,metric,value` rows.
    Csv,
    /// Markdown for people.
    #[value(name = "md")]
    Markdown,
}

/// A command line that cannot be run.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// What clap refused (an unknown command or flag, a bad or missing value, a flag given
    /// twice), or a token in the environment that cannot be one; the message names the flag,
    /// the value and what is accepted.
    #[error("{0}")]
    Usage(#[from] clap::Error),
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

impl CliError {
    /// The text for stderr: clap's `error: …` with a pointer to `--help`.
    pub fn render(&self) -> String {
        match self {
            CliError::Usage(e) => e.to_string(),
            other => format!("error: {other}\n\nFor more information, try '--help'.\n"),
        }
    }
}

/// The token flags refused on the command line: (flag, environment variable, file flag).
const SECRET_FLAGS: [(&str, &str, &str); 3] = [
    ("--read-token", READ_TOKEN_ENV, "--read-token-file"),
    ("--sender-token", SENDER_TOKEN_ENV, "--sender-token-file"),
    (
        "--processing-token",
        PROCESSING_TOKEN_ENV,
        "--processing-token-file",
    ),
];

const DB_EXPECTED: &str = "a file path, e.g. journey.db";
const STORE_EXPECTED: &str =
    "sqlite:PATH or clickhouse:http://HOST:PORT/?database=NAME (e.g. sqlite:journey.db)";
const LISTEN_EXPECTED: &str = "IP:PORT, e.g. 127.0.0.1:8787 or [::1]:0";
const ORIGIN_EXPECTED: &str =
    "an origin scheme://host[:port] with no path or trailing slash (e.g. http://127.0.0.1:8080), or *";
const PORTAL_EXPECTED: &str =
    "an origin scheme://host[:port] with no path or trailing slash (e.g. https://dichvucong.gov.vn)";
const LIMIT_EXPECTED: &str = "a whole number from 1 to 1000000";
const BODY_EXPECTED: &str = "a whole number of bytes from 1024 to 16777216";
const RATE_EXPECTED: &str = "a whole number of requests per second from 0 (no limit) to 100000";
const TOKEN_EXPECTED: &str = "at least 16 characters, no spaces";
const FILE_EXPECTED: &str = "a readable file holding the token (at least 16 characters, no spaces)";
const HEADER_EXPECTED: &str = "an HTTP header name, e.g. x-forwarded-for or x-real-ip";
const CACHE_EXPECTED: &str = "a whole number of seconds from 0 (no cache) to 300";
const CONNECTIONS_EXPECTED: &str = "a whole number from 16 to 1000000";
const SERVICE_EXPECTED: &str = "a service code, e.g. 1.001234";
const TARGET_EXPECTED: &str = "a whole number of seconds from 1 to 86400";
const SLUGS_EXPECTED: &str = "path segments separated by commas, each 1 to 64 letters, digits, \
'.', '_', '~' or '-' (e.g. nguyen-tac,buoc-xac-nhan)";

/// journey-collector: reference collector for journey-probe beacons.
///
/// Every command reads one store: --db PATH (an SQLite file; default: journey.db) or
/// --store sqlite:PATH|clickhouse:URL (e.g. clickhouse:http://127.0.0.1:8123/?database=journeys).
#[derive(Debug, Parser)]
#[command(name = "journey-collector", arg_required_else_help = false)]
struct Cli {
    #[command(subcommand)]
    command: Sub,
}

#[derive(Debug, Subcommand)]
enum Sub {
    /// Receive beacons on POST /v1/beacons, validate them against the beacon schema and store
    /// them. Also serves GET /v1/report, GET /dashboard, GET /metrics, POST /v1/processing and
    /// GET /healthz. Stops cleanly on SIGINT/SIGTERM.
    Serve(ServeFlags),
    /// Print stored beacons, oldest first.
    List(ListFlags),
    /// Print the QCVN report of a service or the whole portal over a period.
    Report(ReportFlags),
    /// Print completions for a shell, e.g. `journey-collector completions bash >
    /// /etc/bash_completion.d/journey-collector`.
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
}

#[derive(Debug, Args)]
struct StoreFlags {
    /// An SQLite file (default: journey.db)
    #[arg(long, value_name = "PATH", value_parser = parse_db, conflicts_with = "store")]
    db: Option<PathBuf>,
    /// sqlite:PATH, or clickhouse:URL, a ClickHouse HTTP interface (e.g.
    /// clickhouse:http://127.0.0.1:8123/?database=journeys)
    #[arg(long, value_name = "STORE", value_parser = parse_store)]
    store: Option<StoreSpec>,
}

impl StoreFlags {
    fn spec(self) -> StoreSpec {
        self.store
            .or(self.db.map(StoreSpec::Sqlite))
            .unwrap_or_else(|| StoreSpec::Sqlite(DEFAULT_DB.into()))
    }
}

#[derive(Debug, Args)]
struct ServeFlags {
    #[command(flatten)]
    store: StoreFlags,
    /// IP:PORT to listen on; port 0 picks a free port
    #[arg(long, value_name = "ADDR", default_value = DEFAULT_LISTEN, value_parser = parse_listen)]
    listen: SocketAddr,
    /// Browser origin allowed to send beacons, exactly as the browser sends it (e.g.
    /// https://dichvucong.gov.vn), or * for any. Repeatable. Without it, requests that carry an
    /// Origin header are refused.
    #[arg(long, value_name = "ORIGIN", value_parser = parse_origin)]
    allow_origin: Vec<String>,
    /// Largest request body, in bytes (1024 to 16777216)
    #[arg(long, value_name = "BYTES", default_value_t = MAX_BODY_BYTES,
          value_parser = within(1024usize, 16 << 20, BODY_EXPECTED))]
    max_body: usize,
    /// Beacon requests per second from one client address (an IPv6 client: its /64), with ten
    /// seconds' burst; 0 for no limit
    #[arg(long, value_name = "N", default_value_t = DEFAULT_RATE_PER_CLIENT,
          value_parser = within(0u32, 100_000, RATE_EXPECTED))]
    rate_limit: u32,
    /// Beacon requests per second one portal may store, with ten seconds' burst; 0 for no limit
    #[arg(long, value_name = "N", default_value_t = DEFAULT_RATE_PER_PORTAL,
          value_parser = within(0u32, 100_000, RATE_EXPECTED))]
    portal_rate_limit: u32,
    /// Behind a reverse proxy: the header it writes the client's address into (e.g.
    /// x-forwarded-for; its last address counts). Only name a header your proxy sets.
    #[arg(long, value_name = "NAME", value_parser = parse_header)]
    client_ip_header: Option<axum::http::HeaderName>,
    /// Open connections at most; keep it below the process's file limit (ulimit -n)
    #[arg(long, value_name = "N", default_value_t = ConnectionLimits::default().max_connections,
          value_parser = within(16usize, 1_000_000, CONNECTIONS_EXPECTED))]
    max_connections: usize,
    /// A file holding the token that reads /v1/beacons, /v1/report and /dashboard (or set
    /// JOURNEY_COLLECTOR_READ_TOKEN). Without one, nothing can be read.
    #[arg(long, value_name = "FILE", value_parser = token_file)]
    read_token_file: Option<String>,
    /// /v1/report and /dashboard open to anyone (aggregates only; raw beacons still need the
    /// read token)
    #[arg(long)]
    public_reports: bool,
    /// A file holding the token server-side senders put on beacons without an Origin (or set
    /// JOURNEY_COLLECTOR_SENDER_TOKEN). Without one, beacons without an Origin are refused.
    #[arg(long, value_name = "FILE", value_parser = token_file)]
    sender_token_file: Option<String>,
    /// A file holding the token of POST /v1/processing (criterion 3; or set
    /// JOURNEY_COLLECTOR_PROCESSING_TOKEN). Without one, the endpoint is off. Tokens: at least
    /// 16 characters, no spaces; never on the command line, where other users can read them.
    #[arg(long, value_name = "FILE", value_parser = token_file)]
    processing_token_file: Option<String>,
    /// Serve a report again for the same query for N seconds (0: always make it anew)
    #[arg(long, value_name = "N", default_value_t = REPORT_CACHE_TTL.as_secs(),
          value_parser = within(0u64, 300, CACHE_EXPECTED))]
    report_cache_seconds: u64,
    /// Path segments the portals declare as step names (their data-step-slugs), kept in paths
    /// where the privacy rule would redact them (e.g. nguyen-tac)
    #[arg(long, value_name = "SLUG,SLUG", value_parser = parse_slugs)]
    step_slugs: Option<Slugs>,
}

/// `--step-slugs`, split (one value, so clap does not take it for a repeated flag).
#[derive(Debug, Clone)]
struct Slugs(Vec<String>);

#[derive(Debug, Args)]
struct ListFlags {
    #[command(flatten)]
    store: StoreFlags,
    /// Show the N most recent beacons
    #[arg(long, value_name = "N", default_value_t = DEFAULT_LIST_LIMIT,
          value_parser = within(1u32, 1_000_000, LIMIT_EXPECTED))]
    limit: u32,
    /// json: one {"received_ms","beacon"} object per line; table: a compact human table
    #[arg(long, value_enum, default_value_t = ListFormat::Table)]
    format: ListFormat,
}

#[derive(Debug, Args)]
struct ReportFlags {
    #[command(flatten)]
    store: StoreFlags,
    /// Only this service (default: all)
    #[arg(long, value_name = "CODE", value_parser = parse_service)]
    service: Option<String>,
    /// Only beacons from this portal origin (default: all)
    #[arg(long, value_name = "ORIGIN", value_parser = parse_portal)]
    portal: Option<String>,
    /// First day, YYYY-MM-DD, UTC (default: everything)
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    from: Option<String>,
    /// Last day, inclusive (default: today)
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    to: Option<String>,
    /// Criterion 2 target (default: by the year of --from: 480 up to 2025, 300 from 2026)
    #[arg(long, value_name = "N", value_parser = within(1u32, 86_400, TARGET_EXPECTED))]
    target_seconds: Option<u32>,
    /// Output format
    #[arg(long, value_enum, default_value_t = ReportFormat::Markdown)]
    format: ReportFormat,
}

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
    let args: Vec<String> = args.into_iter().map(Into::into).collect();
    // Before clap, which could quote the value in an error.
    for arg in &args {
        let name = arg.split_once('=').map_or(arg.as_str(), |(name, _)| name);
        if let Some(&(flag, env, file)) = SECRET_FLAGS.iter().find(|(f, ..)| *f == name) {
            return Err(CliError::SecretOnCommandLine {
                flag: flag.to_owned(),
                env,
                file,
            });
        }
    }
    let cli = match Cli::try_parse_from(
        std::iter::once("journey-collector".to_owned()).chain(args.clone()),
    ) {
        Ok(cli) => cli,
        Err(e) if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) => {
            return Ok(Command::Help(e.to_string()))
        }
        Err(e) => return Err(with_accepted(e, &args).into()),
    };
    Ok(match cli.command {
        Sub::Serve(flags) => Command::Serve(Box::new(serve_config(flags, read_env)?)),
        Sub::List(flags) => Command::List(ListArgs {
            store: flags.store.spec(),
            limit: flags.limit,
            format: flags.format,
        }),
        Sub::Report(flags) => Command::Report(report_args(flags)),
        Sub::Completions { shell } => Command::Completions(shell),
    })
}

/// The completions script of `shell` (clap_complete panics on a failed write, so it writes
/// to memory and the caller to stdout).
pub fn completions(shell: clap_complete::Shell) -> Vec<u8> {
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "journey-collector", &mut script);
    script
}

/// clap's error, with what is accepted when it names an unknown command or flag.
fn with_accepted(mut e: clap::Error, args: &[String]) -> clap::Error {
    let cli = Cli::command();
    let sub = args.first().and_then(|a| cli.find_subcommand(a));
    let accepted = match (e.kind(), sub) {
        (ErrorKind::UnknownArgument, Some(sub)) => {
            let flags: Vec<String> = sub
                .get_arguments()
                .filter_map(|a| a.get_long())
                .chain(["help"])
                .map(|long| format!("--{long}"))
                .collect();
            format!("accepted for '{}': {}", sub.get_name(), flags.join(", "))
        }
        (ErrorKind::InvalidSubcommand | ErrorKind::UnknownArgument, _) => {
            let names: Vec<&str> = cli.get_subcommands().map(|s| s.get_name()).collect();
            format!("accepted commands: {}, help", names.join(", "))
        }
        _ => return e,
    };
    let mut tips = match e.remove(ContextKind::Suggested) {
        Some(ContextValue::StyledStrs(tips)) => tips,
        _ => Vec::new(),
    };
    tips.push(accepted.into());
    e.insert(ContextKind::Suggested, ContextValue::StyledStrs(tips));
    e
}

fn serve_config(
    flags: ServeFlags,
    read_env: &dyn Fn(&str) -> Option<String>,
) -> Result<ServeConfig, CliError> {
    let from_env = |file: Option<String>, env: &str| match file {
        Some(token) => Ok(Some(token)),
        None => env_token(env, read_env),
    };
    let mut options = Options {
        max_body_bytes: flags.max_body,
        rate_per_client: flags.rate_limit,
        rate_per_portal: flags.portal_rate_limit,
        client_ip_header: flags.client_ip_header,
        public_reports: flags.public_reports,
        report_cache: std::time::Duration::from_secs(flags.report_cache_seconds),
        step_slugs: flags.step_slugs.map(|s| s.0).unwrap_or_default(),
        read_token: from_env(flags.read_token_file, READ_TOKEN_ENV)?,
        sender_token: from_env(flags.sender_token_file, SENDER_TOKEN_ENV)?,
        processing_token: from_env(flags.processing_token_file, PROCESSING_TOKEN_ENV)?,
        ..Options::default()
    };
    for origin in flags.allow_origin {
        options.origins.add(origin);
    }
    Ok(ServeConfig {
        store: flags.store.spec(),
        listen: flags.listen,
        options,
        connections: ConnectionLimits {
            max_connections: flags.max_connections,
            ..ConnectionLimits::default()
        },
    })
}

fn report_args(flags: ReportFlags) -> ReportArgs {
    let pairs = [
        ("service", flags.service),
        ("from", flags.from),
        ("to", flags.to),
        ("portal", flags.portal),
        (
            "target_seconds",
            flags.target_seconds.map(|n| n.to_string()),
        ),
    ];
    let query: Vec<String> = pairs
        .into_iter()
        .filter_map(|(key, v)| {
            Some(format!(
                "{key}={}",
                v?.replace('%', "%25").replace('&', "%26")
            ))
        })
        .collect();
    ReportArgs {
        store: flags.store.spec(),
        query: query.join("&"),
        format: flags.format,
        now_ms: None,
    }
}

/// The token in the environment variable `env`, if set; never quoted in an error.
fn env_token(
    env: &str,
    read_env: &dyn Fn(&str) -> Option<String>,
) -> Result<Option<String>, CliError> {
    let Some(text) = read_env(env) else {
        return Ok(None);
    };
    check_token(&text).map(Some).map_err(|_| {
        Cli::command()
            .error(
                ErrorKind::ValueValidation,
                format!("invalid value '(the token in {env}, hidden)' for {env}: expected {TOKEN_EXPECTED}"),
            )
            .into()
    })
}

/// A token trimmed, if it can be one.
fn check_token(text: &str) -> Result<String, ()> {
    let text = text.trim();
    if text.len() < 16 || text.contains(char::is_whitespace) {
        return Err(());
    }
    Ok(text.to_owned())
}

/// `--*-token-file`: the token the file holds.
fn token_file(path: &str) -> Result<String, String> {
    let text =
        std::fs::read_to_string(path).map_err(|e| format!("{e}; expected {FILE_EXPECTED}"))?;
    check_token(&text)
        .map_err(|()| format!("the token it holds (hidden) is not one; expected {TOKEN_EXPECTED}"))
}

/// A parser of whole numbers from `min` to `max`.
fn within<T>(min: T, max: T, expected: &'static str) -> impl Fn(&str) -> Result<T, String> + Clone
where
    T: FromStr + PartialOrd + Copy,
{
    move |v| match v.parse::<T>() {
        Ok(n) if n >= min && n <= max => Ok(n),
        _ => Err(format!("expected {expected}")),
    }
}

/// Accepts `v` when `ok`, else says what is `expected`.
fn accept<T>(ok: bool, value: T, expected: &str) -> Result<T, String> {
    if ok {
        Ok(value)
    } else {
        Err(format!("expected {expected}"))
    }
}

fn parse_db(v: &str) -> Result<PathBuf, String> {
    accept(!v.is_empty(), PathBuf::from(v), DB_EXPECTED)
}

fn parse_listen(v: &str) -> Result<SocketAddr, String> {
    v.parse().map_err(|_| format!("expected {LISTEN_EXPECTED}"))
}

fn parse_origin(v: &str) -> Result<String, String> {
    accept(is_origin(v), v.to_owned(), ORIGIN_EXPECTED)
}

fn parse_portal(v: &str) -> Result<String, String> {
    accept(is_origin(v) && v != "*", v.to_owned(), PORTAL_EXPECTED)
}

fn parse_header(v: &str) -> Result<axum::http::HeaderName, String> {
    axum::http::HeaderName::from_bytes(v.trim().as_bytes())
        .map_err(|_| format!("expected {HEADER_EXPECTED}"))
}

fn parse_service(v: &str) -> Result<String, String> {
    let ok = !v.is_empty()
        && v.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'));
    accept(ok, v.to_owned(), SERVICE_EXPECTED)
}

fn parse_date(v: &str) -> Result<String, String> {
    let ok = crate::period::parse_date(v).is_some();
    accept(ok, v.to_owned(), crate::period::DATE_EXPECTED)
}

fn parse_slugs(v: &str) -> Result<Slugs, String> {
    let slugs: Vec<String> = v
        .split(',')
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect();
    let ok = !slugs.is_empty()
        && slugs.iter().all(|s| {
            s.len() <= 64
                && s.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'~' | b'-'))
        });
    accept(ok, Slugs(slugs), SLUGS_EXPECTED)
}

/// `sqlite:PATH` or `clickhouse:http(s)://…`.
pub fn parse_store(v: &str) -> Result<StoreSpec, String> {
    let spec = if let Some(path) = v.strip_prefix("sqlite:") {
        (!path.is_empty()).then(|| StoreSpec::Sqlite(PathBuf::from(path)))
    } else {
        v.strip_prefix("clickhouse:")
            .filter(|url| url.starts_with("http://") || url.starts_with("https://"))
            .map(|url| StoreSpec::ClickHouse(url.to_owned()))
    };
    spec.ok_or_else(|| format!("expected {STORE_EXPECTED}"))
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
            &["help", "serve"],
            &["serve", "--help"],
            &["list", "-h"],
            &["report", "--help"],
        ] {
            let Command::Help(text) = parse(args.iter().copied()).unwrap() else {
                panic!("{args:?}")
            };
            assert!(
                text.contains("Usage: journey-collector"),
                "{args:?}: {text}"
            );
        }
        let Command::Help(serve) = parse(["serve", "--help"]).unwrap() else {
            panic!()
        };
        assert!(serve.contains("--allow-origin <ORIGIN>"), "{serve}");
        assert!(serve.contains("[default: 127.0.0.1:8787]"), "{serve}");
    }

    #[test]
    fn completions_for_each_shell() {
        for (shell, name) in [("bash", "Bash"), ("zsh", "Zsh"), ("fish", "Fish")] {
            let Command::Completions(parsed) = parse(["completions", shell]).unwrap() else {
                panic!("{shell}")
            };
            assert_eq!(format!("{parsed:?}"), name);
            let script = String::from_utf8(completions(parsed)).unwrap();
            assert!(
                script.contains("journey-collector") && script.contains("allow-origin"),
                "{shell}: {script}"
            );
        }
        assert!(err(&["completions", "tcsh"]).contains("[possible values: bash,"));
    }

    #[test]
    fn errors_name_the_problem_and_the_accepted() {
        let accepted = "[subcommands: serve, list, report, completions, help]";
        assert!(err(&[]).contains(accepted), "{}", err(&[]));
        let e = err(&["srve"]);
        assert!(
            e.starts_with("error: unrecognized subcommand 'srve'"),
            "{e}"
        );
        assert!(
            e.contains("tip: a similar subcommand exists: 'serve'"),
            "{e}"
        );
        assert!(
            e.contains("accepted commands: serve, list, report, completions, help"),
            "{e}"
        );
        let e = err(&["serve", "--port", "1"]);
        assert!(
            e.starts_with("error: unexpected argument '--port' found"),
            "{e}"
        );
        assert!(
            e.contains(
                "accepted for 'serve': --db, --store, --listen, --allow-origin, --max-body, \
                        --rate-limit, --portal-rate-limit, --client-ip-header, --max-connections, \
                        --read-token-file, --public-reports, --sender-token-file, \
                        --processing-token-file, --report-cache-seconds, --step-slugs, --help"
            ),
            "{e}"
        );
        assert!(err(&["list", "--listen", "x"])
            .contains("accepted for 'list': --db, --store, --limit, --format, --help"),);
        assert!(err(&["serve", "--db"])
            .starts_with("error: a value is required for '--db <PATH>' but none was supplied"));
        assert!(err(&["serve", "--db="]).contains("expected a file path"));
        assert!(err(&["serve", "--listen", "localhost:80"]).starts_with(
            "error: invalid value 'localhost:80' for '--listen <ADDR>': expected IP:PORT"
        ));
        assert!(err(&["serve", "--allow-origin", "http://a.vn/"]).contains(
            "invalid value 'http://a.vn/' for '--allow-origin <ORIGIN>': expected an origin scheme://host"
        ));
        assert!(err(&["list", "--db", "a", "--db", "b"])
            .starts_with("error: the argument '--db <PATH>' cannot be used multiple times"));
        assert!(
            err(&["list", "--db", "a", "--store", "sqlite:b"]).starts_with(
                "error: the argument '--db <PATH>' cannot be used with '--store <STORE>'"
            )
        );
        assert!(
            err(&["serve", "--db", "--listen"]).contains("a value is required for '--db <PATH>'")
        );
        assert!(err(&["serve", "--public-reports=yes"])
            .contains("unexpected value 'yes' for '--public-reports'"));
        assert!(err(&["list", "--limit", "0"]).contains(
            "invalid value '0' for '--limit <N>': expected a whole number from 1 to 1000000"
        ));
        assert!(err(&["list", "--format", "xml"]).contains(
            "invalid value 'xml' for '--format <FORMAT>'\n  [possible values: json, table]"
        ));
        assert!(err(&["serve", "--store", "mysql:x"]).contains(
            "invalid value 'mysql:x' for '--store <STORE>': expected sqlite:PATH or clickhouse:"
        ));
        assert!(err(&["serve", "--max-body", "10"])
            .contains("invalid value '10' for '--max-body <BYTES>': expected a whole number of bytes from 1024 to 16777216"));
        assert!(err(&["serve", "--rate-limit", "100001"]).contains("from 0 (no limit) to 100000"));
        assert!(
            err(&["serve", "--report-cache-seconds", "301"]).contains("from 0 (no cache) to 300")
        );
        assert!(err(&["serve", "--processing-token", "short"])
            .starts_with("--processing-token is not accepted: a token on the command line"));
        let e = parse(["list", "--read-token=0123456789abcdef0123"])
            .unwrap_err()
            .render();
        assert!(
            e.starts_with("error: --read-token is not accepted")
                && e.contains("JOURNEY_COLLECTOR_READ_TOKEN or use --read-token-file FILE")
                && !e.contains("0123456789abcdef0123"),
            "{e}"
        );
        assert!(err(&["serve", "--client-ip-header", "a b"]).contains(
            "invalid value 'a b' for '--client-ip-header <NAME>': expected an HTTP header name"
        ));
        assert!(err(&["serve", "--max-connections", "3"])
            .contains("invalid value '3' for '--max-connections <N>': expected a whole number from 16 to 1000000"));
        assert!(err(&["serve", "--step-slugs", "a/b"])
            .contains("expected path segments separated by commas"));
        assert!(err(&["report", "--from", "2026-13-01"]).contains(
            "invalid value '2026-13-01' for '--from <DATE>': expected a date YYYY-MM-DD"
        ));
        assert!(err(&["report", "--format", "pdf"]).contains("[possible values: json, csv, md]"));
        assert!(err(&["report", "--service", "a b"])
            .contains("invalid value 'a b' for '--service <CODE>': expected a service code"));
        assert!(err(&["report", "--portal", "*"]).contains("expected an origin scheme://host"));
        assert!(err(&["report", "--target-seconds", "0"]).contains("from 1 to 86400"));
    }
}
