//! The real `qala` binary, for what only a separate process shows: `kill -9` and durability, start-up and
//! SIGTERM shutdown, what the process writes to its log, an outside process holding the store's lock, and
//! the command line itself (`qala areas import`, `qala seed`, `qala export`, `qala store copy`).
//!
//! Everything else runs the server in the test process ([`super::Server`]); a test that spawns `qala serve`
//! says why at the call.

use std::ops::Deref;
use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

use super::api::Api;
use super::logs::DEFAULT_LOG;
use super::store::TestStore;

/// A running `qala serve` process, its log (standard error) in a file.
pub struct QalaProcess {
    child: Option<Child>,
    api: Api,
    env: Vec<(&'static str, String)>,
    log_path: PathBuf,
    rust_log: String,
}

impl Deref for QalaProcess {
    type Target = Api;
    fn deref(&self) -> &Api {
        &self.api
    }
}

impl QalaProcess {
    pub async fn start(store: &TestStore) -> QalaProcess {
        Self::start_with_log(store, DEFAULT_LOG).await
    }

    pub async fn start_with_log(store: &TestStore, rust_log: &str) -> QalaProcess {
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("server-logs");
        std::fs::create_dir_all(&dir).unwrap();
        let mut server = QalaProcess {
            child: None,
            api: Api::new(String::new()),
            env: store.env(),
            log_path: dir.join(format!("{}.log", store.name)),
            rust_log: rust_log.to_owned(),
        };
        server.spawn().await;
        server
    }

    async fn spawn(&mut self) {
        let log = std::fs::OpenOptions::new().create(true).append(true).open(&self.log_path).unwrap();
        let mut child = Command::new(env!("CARGO_BIN_EXE_qala"))
            // One test client is one address: the per-address report limit is tested on its own
            // (tests/it/hardening.rs), and off for the load the other tests make.
            .args(["serve", "--bind", "127.0.0.1:0", "--report-rate=off", "--contact-retention-days=0"])
            .envs(self.env.iter().map(|(k, v)| (*k, v.as_str())))
            .env("RUST_LOG", &self.rust_log)
            .stdout(Stdio::piped())
            .stderr(Stdio::from(log))
            .kill_on_drop(true)
            .spawn()
            .expect("cannot start the qala binary");
        let stdout = child.stdout.take().unwrap();
        let mut lines = BufReader::new(stdout).lines();
        let addr = tokio::time::timeout(Duration::from_secs(60), async {
            while let Some(line) = lines.next_line().await.unwrap() {
                if let Some(url) = line.strip_prefix("qala listening on ") {
                    return url.to_owned();
                }
            }
            panic!("qala exited before listening; log: {}", std::fs::read_to_string(&self.log_path).unwrap());
        })
        .await
        .expect("qala did not start listening within 60 s");
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        self.api.base = addr;
        self.child = Some(child);
        self.api.wait_ready(|| self.log()).await;
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log_path).unwrap_or_default()
    }

    /// SIGKILL: no chance to flush or finish anything.
    pub async fn kill9(&mut self) {
        if let Some(mut child) = self.child.take() {
            child.start_kill().unwrap();
            child.wait().await.unwrap();
        }
    }

    /// SIGTERM, then wait for the exit status.
    pub async fn terminate(&mut self) -> std::process::ExitStatus {
        let mut child = self.child.take().unwrap();
        let pid = child.id().unwrap();
        std::process::Command::new("kill").args(["-TERM", &pid.to_string()]).status().unwrap();
        tokio::time::timeout(Duration::from_secs(30), child.wait()).await.expect("no exit after SIGTERM").unwrap()
    }

    /// SIGKILL, then a new process on the same store (on a new port).
    pub async fn restart(&mut self) {
        self.kill9().await;
        self.spawn().await;
    }
}

/// Runs `qala ARGS…` against the test store and returns its output.
pub async fn qala_cli(store: &TestStore, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_qala"))
        .args(args)
        .envs(store.env())
        .env("RUST_LOG", "warn")
        .output()
        .await
        .unwrap()
}
