//! `GET /api/v1/audit` and `/api/v1/audit.csv`: the audit trail, for admins only, newest first, filtered by
//! `actor`, `action`, `target` and `datetime` (an RFC 3339 instant or interval, as OGC API's), paged with
//! `limit` (1–1000, default 100) and the `cursor` of the `next` link. The parameters are read by the shared
//! parser (`params`) with the audit log's allow-list, [`routes::AUDIT`].

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::DateTime;
use serde_json::{Value, json};

use super::ApiError;
use super::auth::Staff;
use super::client::base_url;
use super::extract::QueryPairs;
use super::response::{href, link};
use crate::domain::{AuditEntry, Power};
use crate::export::{ExportError, defuse_formula};
use crate::params::{Params, routes};
use crate::state::AppState;
use crate::store::AuditQuery;

pub fn router() -> Router<AppState> {
    Router::new().route("/api/v1/audit", get(audit_json)).route("/api/v1/audit.csv", get(audit_csv))
}

/// The store's query for the parameters as the shared parser read them ([`routes::AUDIT`]).
fn query_of(params: &Params) -> AuditQuery {
    let range = params.filter.created.as_ref();
    AuditQuery {
        actor: params.actor.clone(),
        action: params.action.clone(),
        target: params.target.clone(),
        from: range.and_then(|r| r.start_us).and_then(DateTime::from_timestamp_micros),
        to: range.and_then(|r| r.end_us).and_then(DateTime::from_timestamp_micros),
        before_id: params.cursor.map(|c| c.0),
        limit: u32::try_from(params.limit.get()).unwrap_or(100),
    }
}

async fn page(state: &AppState, staff: &Staff, pairs: QueryPairs) -> Result<(Params, Vec<AuditEntry>), ApiError> {
    staff.require(Power::ReadAudit, "read the audit log")?;
    let params = pairs.parse(&routes::AUDIT)?;
    let entries = state.store.audit_entries(&query_of(&params)).await?;
    Ok((params, entries))
}

fn entry_json(e: &AuditEntry) -> Value {
    json!({
        "id": e.id,
        "at": e.at,
        "actor": e.actor_name,
        "role": e.actor_role,
        "action": e.action,
        "target": e.target,
        "before": e.before,
        "after": e.after,
        "request_id": e.request_id,
    })
}

fn private(mut response: Response) -> Response {
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

async fn audit_json(
    State(state): State<AppState>,
    staff: Staff,
    headers: HeaderMap,
    pairs: QueryPairs,
) -> Result<Response, ApiError> {
    let (params, entries) = page(&state, &staff, pairs).await?;
    let mut links = Vec::new();
    if entries.len() == params.limit.get()
        && let Some(last) = entries.last()
    {
        let base = format!("{}/api/v1/audit", base_url(&headers));
        links.push(link("next", "application/json", href(&base, &params.echo, &[("cursor", &last.id.to_string())])));
    }
    let body = json!({ "entries": entries.iter().map(entry_json).collect::<Vec<_>>(), "links": links });
    Ok(private(axum::Json(body).into_response()))
}

async fn audit_csv(State(state): State<AppState>, staff: Staff, pairs: QueryPairs) -> Result<Response, ApiError> {
    let (_, entries) = page(&state, &staff, pairs).await?;
    let mut out = csv::Writer::from_writer(Vec::new());
    let header = ["id", "at", "actor", "role", "action", "target", "before", "after", "request_id"];
    let write = |out: &mut csv::Writer<Vec<u8>>, record: &[String]| {
        out.write_record(record.iter().map(|c| defuse_formula(c).into_owned()))
            .map_err(|e| ApiError::Export(ExportError::Encode(e.to_string())))
    };
    write(&mut out, &header.map(str::to_owned))?;
    let cell = |v: &Option<Value>| v.as_ref().map(ToString::to_string).unwrap_or_default();
    for e in &entries {
        write(
            &mut out,
            &[
                e.id.to_string(),
                e.at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
                e.actor_name.clone(),
                e.actor_role.clone(),
                e.action.clone(),
                e.target.clone(),
                cell(&e.before),
                cell(&e.after),
                e.request_id.clone().unwrap_or_default(),
            ],
        )?;
    }
    let bytes = out.into_inner().map_err(|e| ApiError::Export(ExportError::Encode(e.to_string())))?;
    let mut response = bytes.into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8"));
    Ok(private(response))
}
