//! What a stranger may cost qala: how long a request may take to arrive and to be answered, how big its
//! head may be, how many connections and requests may be open at once. Plain numbers, read by the server
//! (connections, header timeout, shutdown) and by the HTTP layer (in-flight requests, time limits, sizes),
//! set from `qala serve`'s flags.
//!
//! Why each exists: a client that trickles its headers byte by byte (slow-loris) holds a connection and a
//! task until the header timeout closes it; a client that opens connections without end is held at
//! `max_connections` (further ones wait in the kernel's backlog); a burst of expensive requests beyond
//! `max_in_flight` is refused at once with 503 and `Retry-After`, instead of queueing without bound until
//! every answer is late.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Semaphore;

#[derive(Debug, Clone)]
pub struct Limits {
    /// A request's head (request line and headers) must arrive within this; idle keep-alive connections are
    /// closed after it too.
    pub header_read: Duration,
    /// The longest pause while a request body arrives, and while a streamed answer is produced.
    pub body_idle: Duration,
    /// A handler must have answered (headers sent) within this; a streamed export then streams under
    /// `body_idle`.
    pub request: Duration,
    /// How long in-flight requests may take to finish once shutdown starts.
    pub shutdown_grace: Duration,
    /// Open connections at most.
    pub max_connections: usize,
    /// Requests being handled at once at most; more are refused with 503.
    pub max_in_flight: usize,
    /// Longest request target (path and query), in bytes; a longer one is refused with 414.
    pub max_uri_bytes: usize,
    /// Largest request head (every header name and value), in bytes; a larger one is refused with 431.
    pub max_header_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            header_read: Duration::from_secs(10),
            body_idle: Duration::from_secs(30),
            request: Duration::from_secs(30),
            shutdown_grace: Duration::from_secs(30),
            max_connections: 4096,
            max_in_flight: 512,
            max_uri_bytes: 16 * 1024,
            max_header_bytes: 32 * 1024,
        }
    }
}

impl Limits {
    /// Room for hyper's own buffer: larger than every limit above, so that qala (not hyper, whose answers
    /// have no body of their own) refuses a large head. Beyond it hyper refuses the head and closes the
    /// connection; `http::ProblemStream` puts the problem document into its answer.
    pub const HYPER_BUFFER_BYTES: usize = 256 * 1024;

    /// The permits for requests in flight.
    pub fn in_flight(&self) -> Arc<Semaphore> {
        Arc::new(Semaphore::new(self.max_in_flight.max(1)))
    }
}
