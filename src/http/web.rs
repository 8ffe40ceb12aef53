//! The web map's files: `GET /` is the built `index.html`, and any path no API route claims is looked up in
//! the web directory (`qala serve --web-dir`, `maps/dist` by default).
//!
//! Why here and not behind a separate web server: one process, one port, no CORS, and the page and the API
//! it was built against ship together. The files bypass the readiness check, so the page loads (and can say
//! "loading") while the index is still being built.
//!
//! Caching: the bundler names everything under `assets/` by a hash of its content, so those files never
//! change under their name and are cached for a year (`immutable`); `index.html` (and any other unhashed file)
//! is `no-cache`, revalidated on every load, so a new build is picked up at once.
//!
//! What is not a file stays what it was before the web map existed: a problem+json 404 (and 405 for other
//! methods on `/`). Paths under `/api/` never reach the disk.

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tower::ServiceExt as _;
use tower_http::services::{ServeDir, ServeFile};

use super::ApiError;
use super::html::escape;
use crate::state::AppState;

const IMMUTABLE: &str = "public, max-age=31536000, immutable";
const NO_CACHE: &str = "no-cache";

pub fn router() -> Router<AppState> {
    Router::new().route("/", get(index_page))
}

/// `GET /`: the web map's `index.html`, or a 503 page saying how to build it.
async fn index_page(State(state): State<AppState>, request: Request) -> Response {
    let path = state.web.dir.join("index.html");
    if !tokio::fs::metadata(&path).await.is_ok_and(|m| m.is_file()) {
        return not_built(&state);
    }
    let response = match ServeFile::new(path).oneshot(request).await {
        Ok(response) => response.map(Body::new),
        Err(never) => match never {},
    };
    if response.status() == StatusCode::NOT_FOUND {
        // Removed between the check and the read (a rebuild in progress).
        return not_built(&state);
    }
    with_cache_control(response, NO_CACHE)
}

/// Every request no route matched: a file of the web map, or a problem+json 404.
pub(super) async fn static_file(State(state): State<AppState>, request: Request) -> Response {
    let path = request.uri().path().to_owned();
    if path.starts_with("/api/") || !matches!(*request.method(), Method::GET | Method::HEAD) {
        return not_found(&path);
    }
    let serve = ServeDir::new(&state.web.dir).append_index_html_on_directories(false);
    let response = match serve.oneshot(request).await {
        Ok(response) => response.map(Body::new),
        Err(never) => match never {},
    };
    if response.status() == StatusCode::NOT_FOUND {
        return not_found(&path);
    }
    with_cache_control(response, if path.starts_with("/assets/") { IMMUTABLE } else { NO_CACHE })
}

fn not_found(path: &str) -> Response {
    ApiError::NotFound(format!("no resource at {path}")).into_response()
}

fn with_cache_control(mut response: Response, value: &'static str) -> Response {
    if response.status().is_success() || response.status() == StatusCode::NOT_MODIFIED {
        response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static(value));
    }
    response
}

/// 503 and a small page: the API works, the web map has not been built into the web directory.
fn not_built(state: &AppState) -> Response {
    let dir = escape(&state.web.dir.display().to_string());
    let page = format!(
        r#"<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>qala: the web map is not built</title></head>
<body>
<h1>The web map is not built</h1>
<p>qala is running and its API answers (for example <a href="/api/v1/pins">/api/v1/pins</a>), but there is no
<code>index.html</code> in the web directory <code>{dir}</code>.</p>
<p><code>./scripts/run</code> builds the web map before it starts qala. To build it by hand:
<code>npm --prefix maps ci &amp;&amp; npm --prefix maps run build</code>, then reload this page.</p>
</body>
</html>
"#
    );
    let mut response = (StatusCode::SERVICE_UNAVAILABLE, page).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(NO_CACHE));
    response
}
