//! The log of a server running in the test process, as the binary would have written it to standard error.
//!
//! Several servers run at once in this process, so logging is routed by thread: each in-process server runs
//! on threads of its own name, and what those threads log (tracing events at `qala=info,tower_http=info`,
//! as `qala serve` logs by default, and panics) is appended to that server's log file, and only there, as
//! the binary's stderr went only to its log file. Tests can therefore still check "no panic in the log"
//! without a separate process. Other threads' events are dropped; their panics reach the test harness.

use std::collections::HashMap;
use std::fs::File;
use std::io::Write;
use std::path::Path;
use std::sync::{Arc, Mutex, Once, OnceLock};

use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::MakeWriter;

/// What `qala serve` logs when RUST_LOG is not set, and what the process-based tests set.
pub const DEFAULT_LOG: &str = "qala=info,tower_http=info";

/// Thread name → the log file of the server that owns the thread.
fn routes() -> &'static Mutex<HashMap<String, Arc<File>>> {
    static ROUTES: OnceLock<Mutex<HashMap<String, Arc<File>>>> = OnceLock::new();
    ROUTES.get_or_init(Mutex::default)
}

/// From now on, what threads named `thread` log is appended to the file at `path`.
pub fn route(thread: &str, path: &Path) {
    install();
    let file = std::fs::OpenOptions::new().create(true).append(true).open(path).unwrap();
    routes().lock().unwrap().insert(thread.to_owned(), Arc::new(file));
}

/// Threads named `thread` log nowhere any more.
pub fn unroute(thread: &str) {
    routes().lock().unwrap().remove(thread);
}

/// The log file of the current thread's server, if it belongs to one.
fn current() -> Option<Arc<File>> {
    let thread = std::thread::current();
    routes().lock().ok()?.get(thread.name()?).cloned()
}

/// Installs, once per test process, the tracing subscriber and the panic hook that route by thread.
fn install() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        // As the binary's `cli::main` sets up logging, writing to the thread's server log instead of stderr.
        let _ = tracing_subscriber::fmt()
            .with_env_filter(EnvFilter::new(DEFAULT_LOG))
            .with_writer(ThreadLog)
            .with_ansi(false)
            .try_init();
        // A panic on a server's thread goes to its log, as the default hook's message went to the binary's
        // stderr; any other panic (a failing test) goes on to the previous hook, the test harness's.
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| match current() {
            Some(file) => {
                let thread = std::thread::current();
                let _ = writeln!(&*file, "thread '{}' {info}", thread.name().unwrap_or("?"));
            }
            None => previous(info),
        }));
    });
}

/// A `MakeWriter` that writes to the current thread's server log, or nowhere.
struct ThreadLog;

/// One event's writer: the server log it goes to, if any.
struct ThreadLogWriter(Option<Arc<File>>);

impl<'a> MakeWriter<'a> for ThreadLog {
    type Writer = ThreadLogWriter;

    fn make_writer(&'a self) -> ThreadLogWriter {
        ThreadLogWriter(current())
    }
}

impl Write for ThreadLogWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match &self.0 {
            Some(file) => (&**file).write(buf),
            None => Ok(buf.len()),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match &self.0 {
            Some(file) => (&**file).flush(),
            None => Ok(()),
        }
    }
}
