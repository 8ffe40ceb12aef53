//! Command-line and environment configuration (clap derive). Every option can also come from the
//! environment, so a deployment needs no flags.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(name = "qala", version, about = "Accessibility problems of Almaty, pinned to the map.")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the HTTP service.
    Serve(ServeArgs),
    /// Districts and historic-centre drafts: import, activate, list.
    Areas(AreasArgs),
    /// Fill a store with deterministic synthetic pins inside Almaty (demos, benchmarks).
    Seed(SeedArgs),
    /// Write pins or areas to a file for GIS tools: GeoJSON, GeoJSONSeq, CSV, GeoPackage or FlatGeobuf.
    Export(ExportArgs),
    /// The city's staff: add members with a role, list them, issue tokens, revoke.
    Staff(StaffArgs),
    /// Reporters' contacts: delete those past their retention now.
    Contacts {
        #[command(subcommand)]
        command: ContactsCommand,
    },
    /// Move everything between stores.
    Store {
        #[command(subcommand)]
        command: StoreCommand,
    },
}

#[derive(Debug, Subcommand)]
pub enum ContactsCommand {
    /// Delete the contacts of pins reported more than `--contact-retention-days` ago, and say how many.
    Purge {
        #[command(flatten)]
        retention: RetentionArgs,
        #[command(flatten)]
        store: StoreArgs,
    },
}

/// How long a reporter's contact is kept.
#[derive(Debug, Args)]
pub struct RetentionArgs {
    /// Days a reporter's contact is kept after the report (by then the pin has been answered, or the
    /// contact is stale); 0 keeps contacts for ever.
    #[arg(long, env = "QALA_CONTACT_RETENTION_DAYS", default_value_t = 365, value_parser = clap::value_parser!(u32).range(0..=36_500))]
    pub contact_retention_days: u32,
}

#[derive(Debug, Subcommand)]
pub enum StoreCommand {
    /// Copy pins (with private contacts), areas and every version from one store to another, keeping ids.
    /// The destination must be empty (a new GeoPackage path, or a fresh PostGIS database).
    Copy {
        /// A GeoPackage path or a postgres:// URL.
        #[arg(long)]
        from: String,
        /// A GeoPackage path or a postgres:// URL.
        #[arg(long)]
        to: String,
    },
}

#[derive(Debug, Args)]
pub struct StaffArgs {
    #[command(flatten)]
    pub store: StoreArgs,
    #[command(subcommand)]
    pub command: StaffCommand,
}

#[derive(Debug, Subcommand)]
pub enum StaffCommand {
    /// Add a member with a role; prints their first API token once, alone on the last line.
    Add {
        /// 1 to 64 of a-z, 0-9, '.', '_' and '-'.
        name: String,
        /// moderator, planner or admin.
        #[arg(long)]
        role: String,
        /// Days until the token expires.
        #[arg(long, default_value_t = 90)]
        expires_days: u32,
    },
    /// Every member: name, role, when their token expires, whether revoked (never a token).
    List,
    /// Revoke a member and every token and session they hold, on every running instance at once.
    Revoke { name: String },
    /// Issue another token for a member (earlier ones keep working until they expire or are revoked).
    Token {
        name: String,
        /// Days until the token expires.
        #[arg(long, default_value_t = 90)]
        expires_days: u32,
    },
}

/// Where the store of record is: PostGIS when `DATABASE_URL` is set, else the embedded GeoPackage file.
#[derive(Debug, Args)]
pub struct StoreArgs {
    /// PostgreSQL URL of the store of record, e.g. postgres://postgres@127.0.0.1:5432/qala. PostGIS must be
    /// installed on that server; the schema is created on first use. Without it, the embedded store is used.
    #[arg(long, env = "DATABASE_URL", hide_env_values = true)]
    pub database_url: Option<String>,

    /// The embedded store: a GeoPackage file, created on first use (used when no DATABASE_URL is given).
    #[arg(long = "store", env = "QALA_STORE", default_value = "data/qala.gpkg")]
    pub store_path: std::path::PathBuf,

    /// Largest number of connections to PostgreSQL.
    #[arg(long, env = "QALA_DB_MAX_CONNECTIONS", default_value_t = 16)]
    pub max_connections: u32,

    /// The key that seals reporters' contacts (base64 of 32 bytes, kept outside the store), used unless
    /// `QALA_CONTACT_KEY` holds the key itself. Created, readable by its owner only, on the first start of a
    /// store without contacts. Back it up with the store: without it no contact can be read.
    #[arg(long, env = "QALA_CONTACT_KEY_FILE", default_value = "data/qala-contact.key")]
    pub contact_key_file: std::path::PathBuf,
}

#[derive(Debug, Args)]
pub struct AreasArgs {
    #[command(flatten)]
    pub store: StoreArgs,
    #[command(subcommand)]
    pub command: AreasCommand,
}

#[derive(Debug, Subcommand)]
pub enum AreasCommand {
    /// Import a GeoJSON or Shapefile as a new version of districts or of the historic centre. All or nothing:
    /// one invalid feature rejects the whole file and nothing is written.
    Import(ImportArgs),
    /// Make the version of area ID the current one of its kind.
    Activate {
        /// An area id (as listed by `qala areas list` or `GET /api/v1/areas`).
        id: i64,
    },
    /// List every version and its areas.
    List,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// A .geojson/.json file, a .shp with its .dbf (and .prj) beside it, or a .gpkg with one feature table.
    pub file: PathBuf,
    /// What the file holds.
    #[arg(long, value_parser = ["district", "historic_centre"])]
    pub kind: String,
    /// The file's CRS (e.g. EPSG:32643) when neither a .prj nor a GeoJSON `crs` member gives it; overrides both.
    #[arg(long)]
    pub crs: Option<String>,
    /// The attribute holding each area's name (default: name, name_en, name_ru or name_kk).
    #[arg(long)]
    pub name_field: Option<String>,
    /// A label for this version (default: the file name).
    #[arg(long)]
    pub label: Option<String>,
    /// Make this historic-centre version current at once (district imports always become current).
    #[arg(long)]
    pub activate: bool,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// geojson, geojsonseq, csv, gpkg or fgb.
    #[arg(long)]
    pub format: String,
    /// The file to write (replaced if it exists).
    #[arg(long)]
    pub out: PathBuf,
    /// pins or areas.
    #[arg(long, default_value = "pins")]
    pub what: String,
    /// Pins in minLon,minLat,maxLon,maxLat.
    #[arg(long)]
    pub bbox: Option<String>,
    /// Pins in this area (its id).
    #[arg(long)]
    pub within: Option<String>,
    /// Pins of these categories (comma-separated).
    #[arg(long)]
    pub category: Option<String>,
    /// Pins in these statuses (comma-separated).
    #[arg(long)]
    pub status: Option<String>,
    /// Pins placed at a `point`, or only in a `district` (comma-separated).
    #[arg(long)]
    pub location_precision: Option<String>,
    /// Pins reported in this time: an RFC 3339 instant or date, or start/end with .. for an open end.
    #[arg(long)]
    pub datetime: Option<String>,
    /// Pins matching this CQL2 text filter.
    #[arg(long)]
    pub filter: Option<String>,
    /// Areas of this kind (district, historic_centre).
    #[arg(long)]
    pub kind: Option<String>,
    /// Areas of this version number of --kind (else the current versions).
    #[arg(long)]
    pub version: Option<String>,
    #[command(flatten)]
    pub store: StoreArgs,
}

impl ExportArgs {
    /// The filters as the export API's query parameters, so both parse them the same way.
    pub fn query_pairs(&self) -> Vec<(String, String)> {
        [
            ("bbox", &self.bbox),
            ("within", &self.within),
            ("category", &self.category),
            ("status", &self.status),
            ("location_precision", &self.location_precision),
            ("datetime", &self.datetime),
            ("filter", &self.filter),
            ("kind", &self.kind),
            ("version", &self.version),
        ]
        .into_iter()
        .filter_map(|(k, v)| v.as_ref().map(|v| (k.to_owned(), v.clone())))
        .collect()
    }
}

#[derive(Debug, Args)]
pub struct SeedArgs {
    /// How many pins to add.
    #[arg(long)]
    pub count: u64,
    /// The random seed: the same seed gives the same pins, and the first k pins of any count are the same.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    #[command(flatten)]
    pub store: StoreArgs,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on. Port 0 picks a free port; the chosen address is printed on standard output.
    #[arg(long, env = "QALA_BIND", default_value = "127.0.0.1:8080")]
    pub bind: SocketAddr,

    /// Memory for pins already rendered as GeoJSON, in MiB (listings are then answered without the store);
    /// 0 turns the cache off.
    #[arg(long, env = "QALA_FEATURE_CACHE_MIB", default_value_t = 128)]
    pub feature_cache_mib: u64,

    /// The built web map, served at `/` (index.html) and below (its assets). Until it is built
    /// (`npm --prefix maps ci && npm --prefix maps run build`, which ./scripts/run does), `/` answers 503 and
    /// the API works as ever.
    #[arg(long, env = "QALA_WEB_DIR", default_value = "maps/dist")]
    pub web_dir: PathBuf,

    /// A MapLibre style URL for the web map's basemap (e.g. a vector-tile style). Without one the map draws
    /// the city outline, districts and pins on a plain background and makes no third-party requests.
    #[arg(long, env = "QALA_BASEMAP_STYLE")]
    pub basemap_style: Option<String>,

    /// A Nominatim-compatible geocoder (`https://nominatim.example.org`, whose `/search?format=jsonv2` the
    /// page asks, within Almaty, in the reader's language) for the web map's place search. Without one the
    /// page searches only the names of qala's own areas and says that streets need a geocoder.
    #[arg(long, env = "QALA_GEOCODER_URL", value_parser = parse_geocoder_url)]
    pub geocoder_url: Option<GeocoderUrl>,

    /// When a citizen's report becomes public: `post` (at once; moderators may hide it afterwards) or `pre`
    /// (pending, seen only by staff, until a moderator approves it). The citizen gets 201 and the pin's link
    /// either way.
    #[arg(long, env = "QALA_MODERATION", default_value = "post", value_parser = ["pre", "post"])]
    pub moderation: String,

    /// Requests handled at once at most; beyond it qala answers 503 with `Retry-After` at once instead of
    /// queueing (`/healthz` is always answered).
    #[arg(long, env = "QALA_MAX_REQUESTS_IN_FLIGHT", default_value_t = 512, value_parser = clap::value_parser!(u32).range(1..))]
    pub max_requests_in_flight: u32,

    /// Open client connections at most; further ones wait in the kernel's backlog.
    #[arg(long, env = "QALA_MAX_CLIENT_CONNECTIONS", default_value_t = 4096, value_parser = clap::value_parser!(u32).range(1..))]
    pub max_client_connections: u32,

    /// Seconds a client has to send a request's headers (slow clients are cut off; idle keep-alive
    /// connections are closed after it too).
    #[arg(long, env = "QALA_HEADER_TIMEOUT_SECS", default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..))]
    pub header_timeout_secs: u64,

    /// Seconds a request body (or a streamed answer) may pause before it is cut off (408 for a body).
    #[arg(long, env = "QALA_BODY_TIMEOUT_SECS", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..))]
    pub body_timeout_secs: u64,

    /// Seconds a read (GET, HEAD; exports excepted) may take before it is answered 503.
    #[arg(long, env = "QALA_REQUEST_TIMEOUT_SECS", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..))]
    pub request_timeout_secs: u64,

    /// The URL the public reaches qala at (`https://qala.example.kz`, a path allowed): every link and
    /// `Location` is built from it. Without it they come from a trusted proxy's `X-Forwarded-Host`/`-Proto`,
    /// else from the request's `Host`.
    #[arg(long, env = "QALA_PUBLIC_URL", value_parser = crate::edge::Edge::parse_public_url)]
    pub public_url: Option<String>,

    /// The address or CIDR of a proxy in front of qala whose `X-Forwarded-For`, `-Host` and `-Proto` may be
    /// believed (repeat the flag, or separate by commas). Without one, the socket's address is the client's.
    #[arg(long = "trusted-proxy", env = "QALA_TRUSTED_PROXIES", value_delimiter = ',', value_parser = parse_proxy)]
    pub trusted_proxies: Vec<ipnet::IpNet>,

    /// The work one page of a CQL2-filtered listing or export chunk may do, in units of about a nanosecond
    /// (a condition tested, a byte of text or a vertex looked at; a record read counts 1,000). A filter that
    /// needs more is answered 400 naming `filter`, so one request cannot occupy a core for long; such pages
    /// run on blocking threads, one per core but one at a time.
    #[arg(long, env = "QALA_FILTER_BUDGET", default_value_t = crate::selection::Work::DEFAULT_BUDGET, value_parser = clap::value_parser!(u64).range(1..))]
    pub filter_budget: u64,

    /// Anonymous reports per address: `N/P` (N per P seconds, minutes or hours, e.g. `10/10m`) or `off`.
    #[arg(long, env = "QALA_REPORT_RATE", default_value = "10/10m")]
    pub report_rate: String,

    /// How many reports an address may send at once before the rate applies.
    #[arg(long, env = "QALA_REPORT_BURST", default_value_t = 3)]
    pub report_burst: u32,

    #[command(flatten)]
    pub retention: RetentionArgs,

    /// Seconds in-flight requests get to finish after SIGTERM or Ctrl-C.
    #[arg(long, env = "QALA_SHUTDOWN_GRACE_SECS", default_value_t = 30)]
    pub shutdown_grace_secs: u64,

    #[command(flatten)]
    pub store: StoreArgs,
}

/// A trusted proxy: a CIDR (`10.0.0.0/8`) or a single address (`10.0.0.5`).
fn parse_proxy(raw: &str) -> Result<ipnet::IpNet, String> {
    let raw = raw.trim();
    raw.parse::<ipnet::IpNet>()
        .or_else(|_| raw.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
        .map_err(|_| format!("{raw:?} is not an address or a CIDR (10.0.0.0/8, 2001:db8::/32)"))
}

impl ServeArgs {
    /// The limits these flags set.
    pub fn limits(&self) -> crate::limits::Limits {
        use std::time::Duration;
        crate::limits::Limits {
            header_read: Duration::from_secs(self.header_timeout_secs),
            body_idle: Duration::from_secs(self.body_timeout_secs),
            request: Duration::from_secs(self.request_timeout_secs),
            shutdown_grace: Duration::from_secs(self.shutdown_grace_secs),
            max_connections: self.max_client_connections as usize,
            max_in_flight: self.max_requests_in_flight as usize,
            ..crate::limits::Limits::default()
        }
    }
}

/// A geocoder's base URL: absolute `http` or `https`, no query or fragment, kept without a trailing `/` so the
/// page can append `/search`. An empty value (a deployment unsetting `QALA_GEOCODER_URL`) means none.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeocoderUrl(Option<String>);

impl GeocoderUrl {
    pub fn into_inner(self) -> Option<String> {
        self.0
    }
}

fn parse_geocoder_url(value: &str) -> Result<GeocoderUrl, String> {
    let value = value.trim();
    if value.is_empty() {
        return Ok(GeocoderUrl(None));
    }
    let rest = value
        .strip_prefix("https://")
        .or_else(|| value.strip_prefix("http://"))
        .ok_or_else(|| format!("{value:?} is not an http:// or https:// URL"))?;
    let host = rest.split('/').next().unwrap_or("");
    if host.is_empty() || host.contains('@') {
        return Err(format!("{value:?} has no host (or carries credentials, which the page would publish)"));
    }
    if value.contains(['?', '#']) || value.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(format!("{value:?}: give the geocoder's base URL, without a query, fragment or spaces"));
    }
    Ok(GeocoderUrl(Some(value.trim_end_matches('/').to_owned())))
}

#[cfg(test)]
mod tests {
    use super::{GeocoderUrl, parse_geocoder_url};

    #[test]
    fn a_geocoder_url_is_an_http_base_without_query() {
        let ok = |s: &str| parse_geocoder_url(s).ok().and_then(GeocoderUrl::into_inner);
        assert_eq!(ok("https://nominatim.openstreetmap.org/"), Some("https://nominatim.openstreetmap.org".into()));
        assert_eq!(ok("http://127.0.0.1:9000/geo"), Some("http://127.0.0.1:9000/geo".into()));
        assert_eq!(ok("  "), None);
        assert!(parse_geocoder_url("  ").is_ok(), "blank means none, not an error");
        assert_eq!(parse_geocoder_url(""), Ok(GeocoderUrl(None)));
        for bad in [
            "nominatim.org",
            "ftp://x.org",
            "https://",
            "https://u:p@x.org",
            "https://x.org/?q=1",
            "https://x.org/#a",
            "https://x .org",
        ] {
            assert!(parse_geocoder_url(bad).is_err(), "{bad} was accepted");
        }
    }
}
