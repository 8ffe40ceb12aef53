//! Every request gets an id of qala's own making (`x-request-id` on the answer, and on the request's
//! extensions for the audit log). An id a client sends is not believed: it is replaced, so an audit entry
//! never carries a value a stranger chose.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, LazyLock};

use axum::extract::Request;
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;

/// The id of the request being served.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestId(pub Arc<str>);

const HEADER: &str = "x-request-id";

/// A random prefix per process, so ids from several instances sharing one store never collide.
static PREFIX: LazyLock<String> = LazyLock::new(|| {
    let mut bytes = [0_u8; 6];
    let _ = getrandom::fill(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
});
static NEXT: AtomicU64 = AtomicU64::new(1);

pub async fn assign(mut request: Request, next: Next) -> Response {
    let id: Arc<str> = format!("{}-{}", *PREFIX, NEXT.fetch_add(1, Ordering::Relaxed)).into();
    request.headers_mut().remove(HEADER);
    request.extensions_mut().insert(RequestId(id.clone()));
    let mut response = next.run(request).await;
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert(HEADER, value);
    }
    response
}
