//! The city answers a report: `/api/v1/pins/{id}/updates` (a status change, a public comment, an internal
//! note; the pin's timeline) and `/api/v1/pins/{id}/contact` (the reporter's contact, audited).
//!
//! An update goes: staff credential (401) → body (422) → role (403) → `If-Match` (428) → pin (404) → ETag
//! (412) → workflow table (409) → store, which applies it only if the pin is still unchanged (412 again if
//! another planner won the race) and writes the timeline and audit entries in the same commit → index and
//! feature cache → 201.

use axum::Router;
use axum::extract::{Extension, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::Utc;
use serde_json::{Value, json};

use super::ApiError;
use super::auth::{Caller, Staff};
use super::extract::{JsonBody, NoQuery, Segments};
use super::request_id::RequestId;
use crate::auth::StaffSession;
use crate::domain::{
    Actor, AuditAction, FieldError, NewAuditEntry, NewPinUpdate, Pin, PinId, PinUpdate, Power, Status,
    next_update_time, parse_update,
};
use crate::state::AppState;
use crate::store::UpdateOutcome;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/pins/{id}/updates", get(timeline).post(post_update))
        .route("/api/v1/pins/{id}/contact", get(contact))
}

pub(super) fn pin_id(raw: &str) -> Result<PinId, ApiError> {
    raw.parse().ok().filter(|&id| id > 0).ok_or_else(|| ApiError::NotFound(format!("there is no pin {raw:?}")))
}

/// The pin, if `caller` may see it (a pending or hidden pin does not exist for the public).
pub(super) async fn pin(state: &AppState, id: PinId, caller: &Caller) -> Result<Pin, ApiError> {
    state
        .store
        .pin(id)
        .await?
        .filter(|p| caller.may_see(p))
        .ok_or_else(|| ApiError::NotFound(format!("there is no pin {id}")))
}

/// An update as the API shows it: with the staff member's role, never their name; the internal note only
/// when `internal` (staff).
pub(super) fn update_json(u: &PinUpdate, internal: bool) -> Value {
    let mut v = json!({
        "id": u.id,
        "pin_id": u.pin_id,
        "at": u.at,
        "role": u.actor_role,
        "status_from": u.status.map(|(from, _)| from.as_str()),
        "status": u.status.map(|(_, to)| to.as_str()),
        "public_comment": u.public_comment,
        "duplicate_of": u.duplicate_of,
    });
    if let (true, Some(obj)) = (internal, v.as_object_mut()) {
        obj.insert("internal_note".into(), json!(u.internal_note));
    }
    v
}

/// `POST /api/v1/pins/{id}/updates` with `If-Match` and `{"status"?, "public_comment"?, "internal_note"?,
/// "duplicate_of"?}`.
async fn post_update(
    State(state): State<AppState>,
    _: NoQuery,
    Extension(request_id): Extension<RequestId>,
    Segments(raw_id): Segments<String>,
    Staff(staff): Staff,
    headers: HeaderMap,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    let request = parse_update(&body).map_err(ApiError::Validation)?;
    let role = |power, doing| Staff(staff.clone()).require(power, doing);
    match request.status {
        Some(Status::Duplicate) => role(Power::MarkDuplicate, "mark a pin a duplicate")?,
        Some(_) => role(Power::ChangeStatus, "change a pin's status")?,
        None => {}
    }
    if request.public_comment.is_some() {
        role(Power::ChangeStatus, "comment in public")?;
    }
    if request.internal_note.is_some() {
        role(Power::SeeInternal, "add an internal note")?;
    }
    let current = as_read(&state, &staff, &raw_id, &headers).await?;
    let id = current.id;
    let change = match request.status {
        Some(to) if !current.status.may_become(to) => {
            return Err(ApiError::Conflict(format!(
                "a pin cannot go from {} to {}",
                current.status.as_str(),
                to.as_str()
            )));
        }
        Some(to) => Some((current.status, to)),
        None => None,
    };
    let now = Utc::now();
    let update = NewPinUpdate {
        pin_id: id,
        expected_updated_at: current.updated_at,
        at: next_update_time(current.updated_at, now),
        actor: Actor::staff(&staff.name, staff.role),
        status: change,
        public_comment: request.public_comment.clone(),
        internal_note: request.internal_note.clone(),
        duplicate_of: request.duplicate_of,
        visibility: None,
        description: None,
    };
    let audit = NewAuditEntry {
        at: now,
        actor: update.actor.clone(),
        action: AuditAction::PinUpdate,
        target: format!("pin:{id}"),
        before: Some(json!({ "status": current.status.as_str(), "duplicate_of": current.duplicate_of })),
        after: Some(json!({
            "status": change.map_or(current.status, |(_, to)| to).as_str(),
            "duplicate_of": request.duplicate_of,
            "public_comment": request.public_comment,
            "internal_note": request.internal_note,
        })),
        request_id: Some(request_id.0.to_string()),
    };
    apply(&state, &current, &update, &audit).await
}

/// The pin `raw_id` as the staff member read it: `If-Match` must be there (428) and still its ETag (412).
///
/// # Errors
/// 428, 404, 412 as above; a store failure.
pub(super) async fn as_read(
    state: &AppState,
    staff: &StaffSession,
    raw_id: &str,
    headers: &HeaderMap,
) -> Result<Pin, ApiError> {
    let if_match = headers.get(header::IF_MATCH).ok_or(ApiError::PreconditionRequired)?;
    let current = pin(state, pin_id(raw_id)?, &Caller(Some(staff.clone()))).await?;
    if if_match.as_bytes() == current.etag().as_bytes() { Ok(current) } else { Err(ApiError::PreconditionFailed) }
}

/// Applies `update` (read as `current`) with its audit entry in one commit, moves the pin in the indexes,
/// and answers 201 with the timeline entry and the pin's new ETag. Shared by updates and moderation.
///
/// # Errors
/// 412 if another change won the race, 404 if the pin went, 422 for an unfit original, a store failure.
pub(super) async fn apply(
    state: &AppState,
    current: &Pin,
    update: &NewPinUpdate,
    audit: &NewAuditEntry,
) -> Result<Response, ApiError> {
    let id = current.id;
    // The commit and the index update run on a task of their own, under the pin's lock: a client hanging up
    // drops this handler, and a drop between the two would leave the index behind the store.
    let committing = {
        let (state, update, audit) = (state.clone(), update.clone(), audit.clone());
        tokio::spawn(async move {
            let _ordered = state.lock_pin(id).await;
            let outcome = state.store.update_pin(&update, &audit).await;
            if let Ok(UpdateOutcome::Applied(applied)) = &outcome {
                state.reindex(&applied.0.location());
            }
            outcome
        })
    };
    let outcome = committing.await.map_err(|e| ApiError::Internal(format!("the commit task failed: {e}")))?;
    let (pin, entry) = match outcome? {
        UpdateOutcome::Applied(applied) => *applied,
        UpdateOutcome::Stale => return Err(ApiError::PreconditionFailed),
        UpdateOutcome::Missing => return Err(ApiError::NotFound(format!("there is no pin {id}"))),
        UpdateOutcome::UnfitOriginal => {
            return Err(ApiError::Validation(vec![FieldError::pointer(
                "/duplicate_of",
                "must be another public pin that exists and is not itself a duplicate",
            )]));
        }
    };
    tracing::info!(
        pin = id,
        role = update.actor.role_str(),
        status = pin.status.as_str(),
        visibility = pin.visibility.as_str(),
        "pin updated"
    );
    let mut body = update_json(&entry, true);
    if let Some(obj) = body.as_object_mut() {
        obj.insert("pin_etag".into(), json!(pin.etag()));
        obj.insert("visibility".into(), json!(pin.visibility.as_str()));
    }
    let mut response = (StatusCode::CREATED, axum::Json(body)).into_response();
    if let Ok(tag) = HeaderValue::from_str(&pin.etag()) {
        response.headers_mut().insert(header::ETAG, tag);
    }
    Ok(response)
}

/// `GET /api/v1/pins/{id}/updates`: status changes and public comments, oldest first; staff also see
/// internal notes.
async fn timeline(
    State(state): State<AppState>,
    _: NoQuery,
    Segments(raw_id): Segments<String>,
    caller: Caller,
) -> Result<Response, ApiError> {
    let id = pin_id(&raw_id)?;
    let pin = pin(&state, id, &caller).await?;
    let internal = caller.may(Power::SeeInternal);
    let updates: Vec<Value> = state
        .store
        .pin_updates(id)
        .await?
        .iter()
        .filter(|u| internal || u.is_public())
        .map(|u| update_json(u, internal))
        .collect();
    let mut response =
        axum::Json(json!({ "pin_id": id, "status": pin.status.as_str(), "updates": updates })).into_response();
    // Staff see more than the public under the same URL: no shared cache may keep one for the other.
    response.headers_mut().insert(header::VARY, HeaderValue::from_static("Authorization, Cookie"));
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-cache"));
    Ok(response)
}

/// `GET /api/v1/pins/{id}/contact`: the reporter's private contact, for planners and admins; the read is in
/// the audit log before the contact leaves the store.
async fn contact(
    State(state): State<AppState>,
    _: NoQuery,
    Extension(request_id): Extension<RequestId>,
    Segments(raw_id): Segments<String>,
    Staff(staff): Staff,
) -> Result<Response, ApiError> {
    Staff(staff.clone()).require(Power::ReadContact, "read a reporter's contact")?;
    let id = pin_id(&raw_id)?;
    let audit = NewAuditEntry {
        at: Utc::now(),
        actor: Actor::staff(&staff.name, staff.role),
        action: AuditAction::ContactRead,
        target: format!("pin:{id}"),
        before: None,
        after: None,
        request_id: Some(request_id.0.to_string()),
    };
    let contact = state
        .store
        .read_contact(id, &audit)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("there is no pin {id}")))?;
    let contact = match contact {
        None => None,
        Some(sealed) => {
            let key = state.contact_key.as_ref().ok_or_else(|| ApiError::Internal("no contact key".into()))?;
            Some(key.open(&sealed).map_err(|e| ApiError::Internal(e.to_string()))?)
        }
    };
    tracing::info!(pin = id, role = staff.role.as_str(), "contact read");
    let mut response =
        axum::Json(json!({ "pin_id": id, "contact": contact.as_ref().map(|c| c.expose()) })).into_response();
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}
