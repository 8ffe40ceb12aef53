//! `/api/v1/session`: the web map's sign-in. A staff member pastes their API token once; qala answers with
//! an `HttpOnly; SameSite=Strict` cookie holding a separate session credential (12 hours at most, never
//! beyond the token), so the token itself is never kept by the browser and a session can end on its own.

use axum::extract::{Extension, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use chrono::{Duration, Utc};
use serde_json::{Value, json};

use super::ApiError;
use super::auth::{SESSION_COOKIE, Staff};
use super::client::{ClientAddr, base_url};
use super::extract::{JsonBody, NoQuery};
use super::request_id::RequestId;
use crate::auth::{SESSION_HOURS, StaffSession, authenticate, issue};
use crate::domain::{Actor, AuditAction, CredentialKind, FieldError, NewAuditEntry};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/api/v1/session", post(sign_in).get(who).delete(sign_out))
}

fn describe(s: &StaffSession) -> Value {
    json!({ "name": s.name, "role": s.role.as_str(), "expires_at": s.expires_at })
}

/// `POST /api/v1/session` with `{"token": "qala_…"}`.
async fn sign_in(
    State(state): State<AppState>,
    _: NoQuery,
    Extension(request_id): Extension<RequestId>,
    Extension(ClientAddr(client)): Extension<ClientAddr>,
    headers: HeaderMap,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    let Some(token) = body.get("token").and_then(Value::as_str) else {
        return Err(ApiError::Validation(vec![FieldError::pointer("/token", "must be the staff token, a string")]));
    };
    let now = Utc::now();
    let staff = authenticate(state.store.as_ref(), token, CredentialKind::Token, now).await.map_err(|e| match e {
        // Failed attempts are counted per address (a token cannot be guessed, but a flood of guesses
        // costs hashing and log lines); a good token always signs in.
        Ok(refused) => {
            tracing::info!(reason = %refused, "sign-in refused");
            match state.sign_in_limit.check(client) {
                Ok(()) => ApiError::Unauthorized("the token is unknown, expired or revoked".into()),
                Err(wait) => ApiError::RateLimited(wait),
            }
        }
        Err(store) => ApiError::Store(store),
    })?;
    let lifetime = Duration::hours(SESSION_HOURS).min(staff.expires_at - now);
    let (secret, credential) = issue(CredentialKind::Session, &staff.name, now, lifetime)
        .map_err(|e| ApiError::Store(crate::store::StoreError::Unavailable(format!("no randomness: {e}"))))?;
    let audit = NewAuditEntry {
        at: now,
        actor: Actor::staff(&staff.name, staff.role),
        action: AuditAction::SessionSignIn,
        target: format!("staff:{}", staff.name),
        before: None,
        after: Some(
            json!({ "session": credential.selector, "token": staff.selector, "expires_at": credential.expires_at }),
        ),
        request_id: Some(request_id.0.to_string()),
    };
    if !state.store.insert_credential(&credential, &audit).await? {
        return Err(ApiError::Unauthorized("the token's staff member was revoked".into()));
    }
    let session = StaffSession {
        kind: CredentialKind::Session,
        selector: credential.selector,
        expires_at: credential.expires_at,
        ..staff
    };
    let secure = if base_url(&headers).starts_with("https://") { "; Secure" } else { "" };
    let cookie = format!(
        "{SESSION_COOKIE}={}; HttpOnly; SameSite=Strict; Path=/; Max-Age={}{secure}",
        secret.expose(),
        lifetime.num_seconds().max(0)
    );
    let mut response = (StatusCode::OK, Json(describe(&session))).into_response();
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

/// `GET /api/v1/session`: who is signed in (401 when no one).
async fn who(_: NoQuery, Staff(staff): Staff) -> Response {
    let mut response = Json(describe(&staff)).into_response();
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// `DELETE /api/v1/session`: ends the web session (a Bearer token is not a session and is left alone).
async fn sign_out(
    State(state): State<AppState>,
    _: NoQuery,
    Extension(request_id): Extension<RequestId>,
    Staff(staff): Staff,
) -> Result<Response, ApiError> {
    if staff.kind == CredentialKind::Session {
        let audit = NewAuditEntry {
            at: Utc::now(),
            actor: Actor::staff(&staff.name, staff.role),
            action: AuditAction::SessionSignOut,
            target: format!("staff:{}", staff.name),
            before: None,
            after: Some(json!({ "session": staff.selector })),
            request_id: Some(request_id.0.to_string()),
        };
        state.store.revoke_credential(&staff.selector, &audit).await?;
    }
    let mut response = StatusCode::NO_CONTENT.into_response();
    let clear = format!("{SESSION_COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0");
    if let Ok(value) = HeaderValue::from_str(&clear) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    Ok(response)
}
