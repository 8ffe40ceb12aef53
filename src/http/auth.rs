//! Who is asking: the public, or a staff member signed in by `Authorization: Bearer TOKEN` (scripts, the
//! API) or by the `qala_session` cookie (the web map, `session.rs`).
//!
//! Every check reads the store ([`crate::auth::authenticate`]), so a revocation or an expiry holds on the
//! next request on every instance. A bad `Authorization` header is always a 401: a script that sends one
//! wants to know. A stale cookie is not held against a reader of public pages ([`Caller`] then is the
//! public); a route that needs staff ([`Staff`]) answers 401.
//!
//! CSRF: a cookie rides along on requests that other sites make the browser send. The cookie is
//! `SameSite=Strict`, and on top of that a state-changing request authenticated by cookie must carry an
//! `Origin` equal to the address it was sent to (and most routes take only a JSON body, which a plain HTML
//! form cannot send; the area upload is multipart and activation has no body, so for them the `Origin`
//! check and the cookie's `SameSite=Strict` are the defence). Bearer requests need neither: a browser never adds that header on its own.

use axum::extract::FromRequestParts;
use axum::http::{HeaderMap, Method, header, request::Parts};
use chrono::Utc;

use super::ApiError;
use super::client::base_url;
use crate::auth::{StaffSession, authenticate};
use crate::domain::{CredentialKind, Pin, Power, Visibility};
use crate::state::AppState;

/// The web session cookie's name.
pub const SESSION_COOKIE: &str = "qala_session";

/// The caller of a route that answers everyone, with more for staff.
pub struct Caller(pub Option<StaffSession>);

impl Caller {
    /// Whether the caller may use `power`.
    pub fn may(&self, power: Power) -> bool {
        self.0.as_ref().is_some_and(|s| s.role.may(power))
    }

    /// Whether the caller may see `pin`: anyone a public one, staff any.
    pub fn may_see(&self, pin: &Pin) -> bool {
        pin.visibility == Visibility::Public || self.may(Power::SeeInternal)
    }

    /// # Errors
    /// 401 for the public, 403 naming the role when it may not use `power`.
    pub fn require(&self, power: Power, doing: &str) -> Result<(), ApiError> {
        match &self.0 {
            None => Err(ApiError::Unauthorized(format!("sign in as staff to {doing}"))),
            Some(s) => Staff(s.clone()).require(power, doing),
        }
    }
}

/// A signed-in staff member; the route refuses everyone else with 401.
pub struct Staff(pub StaffSession);

impl Staff {
    /// # Errors
    /// [`ApiError::Forbidden`] naming the role when it may not use `power`.
    pub fn require(&self, power: Power, doing: &str) -> Result<(), ApiError> {
        if self.0.role.may(power) {
            Ok(())
        } else {
            Err(ApiError::Forbidden(format!("a {} may not {doing}", self.0.role.as_str())))
        }
    }
}

enum Presented<'a> {
    None,
    Bearer(&'a str),
    Cookie(&'a str),
}

fn presented(headers: &HeaderMap) -> Result<Presented<'_>, ApiError> {
    if let Some(value) = headers.get(header::AUTHORIZATION) {
        let text = value.to_str().unwrap_or("");
        let token = text
            .split_once(' ')
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
            .map(|(_, token)| token.trim())
            .ok_or_else(|| ApiError::Unauthorized("use Authorization: Bearer <token>".into()))?;
        return Ok(Presented::Bearer(token));
    }
    Ok(session_cookie(headers).map_or(Presented::None, Presented::Cookie))
}

/// Whether the request carries staff credentials of any kind (checked or not): such requests are not held to
/// the anonymous rate limits before their credentials are checked.
pub fn presents_credentials(headers: &HeaderMap) -> bool {
    headers.contains_key(header::AUTHORIZATION) || session_cookie(headers).is_some()
}

/// The `qala_session` cookie's value, if the request has one.
pub fn session_cookie(headers: &HeaderMap) -> Option<&str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == SESSION_COOKIE)
        .map(|(_, value)| value)
}

async fn check(state: &AppState, text: &str, kind: CredentialKind) -> Result<StaffSession, ApiError> {
    authenticate(state.store.as_ref(), text, kind, Utc::now()).await.map_err(|e| match e {
        Ok(refused) => {
            tracing::info!(reason = %refused, kind = kind.as_str(), "credential refused");
            ApiError::Unauthorized(match kind {
                CredentialKind::Token => "the token is unknown, expired or revoked".into(),
                CredentialKind::Session => "the session has ended or was revoked; sign in again".into(),
            })
        }
        Err(store) => ApiError::Store(store),
    })
}

/// A state-changing request on a cookie must come from a page of this very origin.
fn check_origin(parts: &Parts) -> Result<(), ApiError> {
    if matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS) {
        return Ok(());
    }
    let host = parts.headers.get(header::HOST).and_then(|v| v.to_str().ok());
    let origin = parts.headers.get(header::ORIGIN).and_then(|v| v.to_str().ok());
    let origin_host = origin.and_then(|o| o.split_once("://")).map(|(_, rest)| rest);
    // This site is the host the request was sent to, or the one qala is publicly reached at (behind a proxy
    // that rewrites `Host`, or with `--public-url`).
    let base = base_url(&parts.headers);
    let public_host = base.split_once("://").map(|(_, rest)| rest.split('/').next().unwrap_or(rest));
    match origin_host {
        Some(o)
            if host.is_some_and(|h| o.eq_ignore_ascii_case(h))
                || public_host.is_some_and(|h| o.eq_ignore_ascii_case(h)) =>
        {
            Ok(())
        }
        _ => Err(ApiError::Forbidden(
            "a request signed in by cookie must come from qala's own pages (its Origin must be this site)".into(),
        )),
    }
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        match presented(&parts.headers)? {
            Presented::None => Ok(Caller(None)),
            Presented::Bearer(token) => Ok(Caller(Some(check(state, token, CredentialKind::Token).await?))),
            // A stale cookie on a public read is just a reader who was once signed in.
            Presented::Cookie(text) => Ok(Caller(check(state, text, CredentialKind::Session).await.ok())),
        }
    }
}

impl FromRequestParts<AppState> for Staff {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        match presented(&parts.headers)? {
            Presented::None => Err(ApiError::Unauthorized(
                "sign in: send Authorization: Bearer <token> (qala staff add|token issues one)".into(),
            )),
            Presented::Bearer(token) => Ok(Staff(check(state, token, CredentialKind::Token).await?)),
            Presented::Cookie(text) => {
                let session = check(state, text, CredentialKind::Session).await?;
                check_origin(parts)?;
                Ok(Staff(session))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    #[test]
    fn the_session_cookie_is_found_among_others() {
        let mut h = HeaderMap::new();
        h.insert(header::COOKIE, HeaderValue::from_static("a=1; qala_session=qala_abc; b=2"));
        assert_eq!(session_cookie(&h), Some("qala_abc"));
        h.insert(header::COOKIE, HeaderValue::from_static("qala_sessionx=1"));
        assert_eq!(session_cookie(&h), None);
    }
}
