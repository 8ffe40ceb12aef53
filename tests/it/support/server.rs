//! qala's HTTP service in the test process: `qala::server::run` on port 0, with the state `qala serve`
//! builds, on a runtime and threads of its own.
//!
//! Most tests only talk HTTP to the service, so they need no process: starting in-process skips spawning the
//! binary and reading its address from stdout, and [`app_state`] is where the tests build the
//! `AppState`, by `qala serve`'s own code from the same command line. Each server runs on its own
//! multi-threaded runtime on its own threads, so a test that blocks its own thread (a GDAL tool reading the
//! OGC API) does not block the server, and stopping it ends every task it started; its log is routed to
//! a file ([`super::logs`]). What needs the real binary is in [`super::process`].

use std::net::SocketAddr;
use std::ops::Deref;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use clap::Parser as _;
use qala::config::{Cli, Command};
use qala::state::AppState;
use tokio::net::TcpListener;
use tokio::sync::oneshot;

use super::api::Api;
use super::logs;
use super::store::{StoreKind, TestStore};

/// What a deployment may set (`qala serve --web-dir`, `--basemap-style`, `--geocoder-url`,
/// `--moderation`); unset is the binary's default.
#[derive(Debug, Clone, Default)]
pub struct ServeOptions {
    pub web_dir: Option<PathBuf>,
    pub basemap_style: Option<String>,
    pub geocoder_url: Option<String>,
    /// `pre` or `post`.
    pub moderation: Option<&'static str>,
    /// Any other flags, as written on the command line (`--max-requests-in-flight=1`).
    pub flags: Vec<String>,
}

/// qala serving on 127.0.0.1 on a free port, in this process. Dropping it shuts it down.
pub struct Server {
    api: Api,
    /// The `qala serve` command line this server is built from.
    argv: Vec<String>,
    log_path: PathBuf,
    running: Option<Running>,
}

/// One start of the server: dropping `shutdown` begins a graceful shutdown; `stopped` fires when the
/// server's runtime is gone.
struct Running {
    thread: String,
    handle: tokio::runtime::Handle,
    shutdown: oneshot::Sender<()>,
    stopped: oneshot::Receiver<()>,
    joined: std::thread::JoinHandle<()>,
}

impl Deref for Server {
    type Target = Api;
    fn deref(&self) -> &Api {
        &self.api
    }
}

impl Server {
    pub async fn start(store: &TestStore) -> Server {
        Self::start_with(store, ServeOptions::default()).await
    }

    pub async fn start_with(store: &TestStore, options: ServeOptions) -> Server {
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("server-logs");
        std::fs::create_dir_all(&dir).unwrap();
        let mut argv: Vec<String> = ["qala", "serve", "--bind", "127.0.0.1:0"].map(String::from).into();
        match store.kind {
            StoreKind::Postgis => argv.push(format!("--database-url={}", store.database_url())),
            StoreKind::Gpkg => {
                argv.extend(["--database-url=".into(), "--store".into(), store.gpkg_path.display().to_string()]);
            }
        }
        argv.push(format!("--contact-key-file={}", super::store::contact_key_file().display()));
        if let Some(dir) = options.web_dir {
            argv.extend(["--web-dir".into(), dir.display().to_string()]);
        }
        if let Some(style) = options.basemap_style {
            argv.push(format!("--basemap-style={style}"));
        }
        if let Some(url) = options.geocoder_url {
            argv.push(format!("--geocoder-url={url}"));
        }
        if let Some(mode) = options.moderation {
            argv.push(format!("--moderation={mode}"));
        }
        // One test client is one address: the per-address report limit is tested where a test sets it
        // (tests/it/hardening.rs), and off for the load the other tests make.
        if !options.flags.iter().any(|f| f.starts_with("--report-rate")) {
            argv.push("--report-rate=off".into());
        }
        // Seeded pins go back two years: the tests that read their contacts would lose half of them to the
        // retention purge at start, which is tested on its own (tests/it/privacy.rs).
        if !options.flags.iter().any(|f| f.starts_with("--contact-retention-days")) {
            argv.push("--contact-retention-days=0".into());
        }
        argv.extend(options.flags);
        let log_path = dir.join(format!("{}.log", store.name));
        let mut server = Server { api: Api::new(String::new()), argv, log_path, running: None };
        server.spawn().await;
        server
    }

    async fn spawn(&mut self) {
        static STARTS: AtomicUsize = AtomicUsize::new(0);
        let thread = format!("qala-server-{}", STARTS.fetch_add(1, Ordering::SeqCst));
        logs::route(&thread, &self.log_path);
        let (started_tx, started_rx) = oneshot::channel();
        let (shutdown, shutdown_rx) = oneshot::channel::<()>();
        let (stopped_tx, stopped) = oneshot::channel();
        let argv = self.argv.clone();
        let name = thread.clone();
        let joined = std::thread::Builder::new()
            .name(thread.clone())
            .spawn(move || {
                let runtime =
                    tokio::runtime::Builder::new_multi_thread().thread_name(name).enable_all().build().unwrap();
                let handle = runtime.handle().clone();
                runtime.block_on(async move {
                    let (listener, state) = match app_state(&argv).await {
                        Ok(started) => started,
                        Err(e) => {
                            let _ = started_tx.send(Err(e));
                            return;
                        }
                    };
                    let _ = started_tx.send(listener.local_addr().map(|a| (a, handle)).map_err(|e| e.to_string()));
                    let shutdown = async move {
                        let _ = shutdown_rx.await;
                    };
                    if let Err(e) = qala::server::run(listener, state, shutdown).await {
                        tracing::error!(error = %e, "serving HTTP failed");
                    }
                });
                // Ends the index loader, the area follower and anything else the server spawned.
                runtime.shutdown_timeout(Duration::from_secs(10));
                let _ = stopped_tx.send(());
            })
            .unwrap();
        let started: Result<(SocketAddr, tokio::runtime::Handle), String> =
            tokio::time::timeout(Duration::from_secs(60), started_rx)
                .await
                .expect("qala did not start listening within 60 s")
                .unwrap_or_else(|_| panic!("qala's thread ended before listening; log: {}", self.log()));
        let (addr, handle) = started.unwrap_or_else(|e| panic!("qala could not start: {e}; log: {}", self.log()));
        self.api.base = format!("http://{addr}");
        self.running = Some(Running { thread, handle, shutdown, stopped, joined });
        self.api.wait_ready(|| self.log()).await;
    }

    /// What the server logged (and any panic on its threads), as the binary would have on stderr.
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log_path).unwrap_or_default()
    }

    /// Shuts the server down gracefully and waits until every task of it has ended.
    pub async fn stop(&mut self) {
        if let Some(Running { thread, shutdown, stopped, .. }) = self.running.take() {
            drop(shutdown);
            tokio::time::timeout(Duration::from_secs(30), stopped).await.expect("qala did not stop within 30 s").ok();
            logs::unroute(&thread);
        }
    }

    /// A fresh start on the same store (on a new port): the indexes are bulk-loaded from the store again.
    pub async fn restart(&mut self) {
        self.stop().await;
        self.spawn().await;
    }

    /// The runtime the server runs on, to run something on its threads.
    pub fn runtime(&self) -> &tokio::runtime::Handle {
        &self.running.as_ref().expect("the server is running").handle
    }
}

/// A server dropped without [`Server::stop`] is shut down too, and waited for (up to 15 s): a server
/// thread still tearing down (PROJ's contexts among its thread-locals) while the test binary exits can
/// crash the process after every test has passed.
impl Drop for Server {
    fn drop(&mut self) {
        if let Some(Running { thread, shutdown, joined, .. }) = self.running.take() {
            drop(shutdown);
            let deadline = std::time::Instant::now() + Duration::from_secs(15);
            while !joined.is_finished() && std::time::Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(5));
            }
            logs::unroute(&thread);
        }
    }
}

/// The listener and the state of `qala serve` with the command line `argv`, built by the binary's own code.
async fn app_state(argv: &[String]) -> Result<(TcpListener, AppState), String> {
    let args = match Cli::try_parse_from(argv).map_err(|e| e.to_string())?.command {
        Command::Serve(args) => args,
        other => return Err(format!("not a serve command: {other:?}")),
    };
    qala::cli::serve::listen(args).await.map_err(|e| e.to_string())
}
