//! Who is asking, and at which URL qala is reached, decided once per request (before any handler) from the
//! socket's peer and the deployment's [`crate::edge::Edge`]: a client's own `X-Forwarded-*` headers count
//! only from a trusted proxy.
//!
//! The decisions travel with the request: the client's address as the [`ClientAddr`] extension (for the
//! rate limits), the base URL in the internal `qala-base-url` header, which [`base_url`] reads. Whatever a
//! client sent under that name is replaced here, so a handler only ever sees what this file decided.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;

use crate::edge::Forwarded;
use crate::state::AppState;

/// The header carrying the base URL decided here.
const BASE_URL: &str = "qala-base-url";

/// The client's address: the peer, or the client a trusted proxy names.
#[derive(Debug, Clone, Copy)]
pub struct ClientAddr(pub IpAddr);

/// Resolves the client's address and the base URL of links, for every request.
pub async fn identify(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    // On a dual-stack socket an IPv4 client arrives as ::ffff:a.b.c.d: the same client, so the same trusted
    // proxy and the same rate-limit allowance.
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::V4(Ipv4Addr::LOCALHOST), |c| c.0.ip().to_canonical());
    let headers = request.headers();
    let text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    // Of a repeated header, the last: the one the nearest (trusted) proxy wrote.
    let last = |name: &str| headers.get_all(name).iter().filter_map(|v| v.to_str().ok()).next_back();
    let forwarded_for =
        headers.get_all("x-forwarded-for").iter().filter_map(|v| v.to_str().ok()).collect::<Vec<_>>().join(",");
    let forwarded = Forwarded {
        for_: (!forwarded_for.is_empty()).then_some(forwarded_for.as_str()),
        host: last("x-forwarded-host"),
        proto: last("x-forwarded-proto"),
    };
    let client = state.edge.client_addr(peer, &forwarded);
    let base = state.edge.base_url(peer, &forwarded, text(header::HOST.as_str()));
    let base = HeaderValue::from_str(&base).unwrap_or(HeaderValue::from_static("http://localhost"));
    request.headers_mut().insert(BASE_URL, base);
    request.extensions_mut().insert(ClientAddr(client));
    next.run(request).await
}

/// The service's base URL as the client reaches it, for absolute links and `Location`: `--public-url`, or
/// what a trusted proxy forwarded, or the request's own `Host` (decided by [`identify`]).
pub fn base_url(headers: &HeaderMap) -> String {
    headers.get(BASE_URL).and_then(|v| v.to_str().ok()).unwrap_or("http://localhost").to_owned()
}
