//! `POST /api/v1/pins/{id}/moderation`: moderators approve a pending report, hide abuse, unhide, or redact a
//! description (a phone number, an insult) without hiding the problem itself.
//!
//! The same path as a staff update (`updates.rs`): staff credential (401) → a JSON body (400/415) → role (403) → fields (422) →
//! `If-Match` (428) → pin (404) → ETag (412) → the action table (409) → one commit of the pin, a staff-only
//! timeline entry (the action and reason as an internal note) and the audit entry → the pin moves between
//! the public and the withheld indexes → 201. A redaction's original text is kept in the audit entry's
//! `before`, which only admins read, and nowhere public.

use axum::Router;
use axum::extract::{Extension, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::post;
use chrono::Utc;
use serde_json::json;

use super::ApiError;
use super::auth::Staff;
use super::extract::{JsonBody, NoQuery, Segments};
use super::request_id::RequestId;
use super::updates::{apply, as_read};
use crate::domain::{Actor, AuditAction, NewAuditEntry, NewPinUpdate, Power, next_update_time, parse_moderation};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/api/v1/pins/{id}/moderation", post(moderate))
}

/// `POST /api/v1/pins/{id}/moderation` with `If-Match` and `{"action", "reason", "description"?}`.
async fn moderate(
    State(state): State<AppState>,
    _: NoQuery,
    Extension(request_id): Extension<RequestId>,
    Segments(raw_id): Segments<String>,
    Staff(staff): Staff,
    headers: HeaderMap,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    Staff(staff.clone()).require(Power::Moderate, "moderate reports")?;
    let request = parse_moderation(&body).map_err(ApiError::Validation)?;
    let current = as_read(&state, &staff, &raw_id, &headers).await?;
    let action = request.action.as_str();
    let to = request.action.apply(current.visibility).ok_or_else(|| {
        ApiError::Conflict(format!("a {} pin cannot be given {action:?}", current.visibility.as_str()))
    })?;
    let now = Utc::now();
    let actor = Actor::staff(&staff.name, staff.role);
    let update = NewPinUpdate {
        pin_id: current.id,
        expected_updated_at: current.updated_at,
        at: next_update_time(current.updated_at, now),
        actor: actor.clone(),
        status: None,
        public_comment: None,
        internal_note: Some(format!("{action}: {}", request.reason)),
        duplicate_of: None,
        visibility: (to != current.visibility).then_some((current.visibility, to)),
        description: request.description.clone(),
    };
    let redacted = request.description.is_some();
    let audit = NewAuditEntry {
        at: now,
        actor,
        action: AuditAction::PinModerate,
        target: format!("pin:{}", current.id),
        before: Some(json!({
            "visibility": current.visibility.as_str(),
            "description": redacted.then_some(&current.description),
        })),
        after: Some(json!({
            "action": action,
            "reason": request.reason,
            "visibility": to.as_str(),
            "description": request.description,
        })),
        request_id: Some(request_id.0.to_string()),
    };
    apply(&state, &current, &update, &audit).await
}
