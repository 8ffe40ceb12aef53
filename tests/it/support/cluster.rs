//! A PostgreSQL server of a test's own, for the tests that stop and start it while qala serves (the shared
//! test server must stay up for every other test). Made with Debian's PostgreSQL 15 binaries (the ones
//! `./scripts/test` installs PostGIS for), in a fresh directory, on a free port, run as the `postgres` user
//! (PostgreSQL refuses to run as root); removed when dropped.

use std::path::PathBuf;
use std::process::Command;

use super::db::{TestDb, unique_name};

const BIN: &str = "/usr/lib/postgresql/15/bin";

pub struct Cluster {
    dir: PathBuf,
    pub port: u16,
}

/// Runs a PostgreSQL tool as the `postgres` user (or as this user when it is not root), failing loudly.
fn pg(tool: &str, args: &[&str]) {
    let path = format!("{BIN}/{tool}");
    let out = if is_root() {
        Command::new("runuser").args(["-u", "postgres", "--", &path]).args(args).output()
    } else {
        Command::new(&path).args(args).output()
    }
    .unwrap_or_else(|e| panic!("cannot run {path} (./scripts/test installs PostgreSQL 15): {e}"));
    assert!(
        out.status.success(),
        "{tool} {args:?}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Whether this process runs as root, from `/proc/self/status` (no libc call).
fn is_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("Uid:")).map(|l| l.split_whitespace().nth(1) == Some("0")))
        .unwrap_or(false)
}

impl Cluster {
    /// A new cluster, initialised and started.
    pub fn start() -> Cluster {
        let dir = PathBuf::from("/tmp").join(format!("qala-cluster-{}", unique_name()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        if is_root() {
            let status = Command::new("chown").args(["-R", "postgres:postgres"]).arg(&dir).status().unwrap();
            assert!(status.success(), "chown {}", dir.display());
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let data = dir.join("data");
        pg("initdb", &["-D", data.to_str().unwrap(), "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8"]);
        let cluster = Cluster { dir, port };
        cluster.start_again();
        cluster
    }

    fn data(&self) -> String {
        self.dir.join("data").display().to_string()
    }

    /// Starts the stopped server and waits until it accepts connections.
    pub fn start_again(&self) {
        let options = format!("-p {} -k {} -c listen_addresses=127.0.0.1", self.port, self.dir.display());
        let log = self.dir.join("server.log").display().to_string();
        pg("pg_ctl", &["-D", &self.data(), "-o", &options, "-l", &log, "-w", "-t", "30", "start"]);
    }

    /// Stops the server (`fast`: open sessions are ended, as an administrator's restart does).
    pub fn stop(&self) {
        pg("pg_ctl", &["-D", &self.data(), "-m", "fast", "-w", "-t", "30", "stop"]);
    }

    /// A fresh database on this server.
    pub async fn database(&self) -> TestDb {
        use sqlx::Connection as _;
        let server = format!("postgres://postgres@127.0.0.1:{}", self.port);
        let name = unique_name();
        let mut admin = sqlx::PgConnection::connect(&format!("{server}/postgres")).await.unwrap();
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE \"{name}\""))).execute(&mut admin).await.unwrap();
        TestDb { url: format!("{server}/{name}"), name }
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let data = self.data();
        let _ = Command::new("runuser")
            .args(["-u", "postgres", "--", &format!("{BIN}/pg_ctl"), "-D", &data, "-m", "immediate", "stop"])
            .output();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
