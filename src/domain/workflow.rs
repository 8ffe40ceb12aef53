//! The status workflow: which status may follow which, and what a staff update asks for.
//!
//! The transition table is the city's process written down (README, "Status workflow"); the HTTP layer
//! refuses anything else with a 409 naming both statuses, and the store applies an update only if the pin
//! is still as the staff member saw it (the `If-Match` check), so two planners never overwrite each other.

use chrono::{DateTime, Duration, Utc};
use serde_json::{Map, Value};

use super::text::check_text;
use super::{FieldError, PinId, Role, Status, Visibility};

/// Longest public comment or internal note, in Unicode scalar values after trimming.
pub const COMMENT_MAX_CHARS: usize = 2000;

impl Status {
    /// Whether a pin in this status may be moved to `to`.
    pub fn may_become(self, to: Status) -> bool {
        use Status::*;
        matches!(
            (self, to),
            (New, Confirmed | Rejected | Duplicate)
                | (Confirmed, Planned | InProgress | Rejected | Duplicate)
                | (Planned, InProgress | Rejected)
                | (InProgress, Resolved | Planned)
                | (Resolved, InProgress)
                | (Rejected, Confirmed)
                | (Duplicate, Confirmed)
        )
    }
}

/// A staff update as sent (`POST /api/v1/pins/{id}/updates`), checked field by field.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct UpdateRequest {
    pub status: Option<Status>,
    pub public_comment: Option<String>,
    pub internal_note: Option<String>,
    pub duplicate_of: Option<PinId>,
}

const UPDATE_FIELDS: [&str; 4] = ["status", "public_comment", "internal_note", "duplicate_of"];

/// Validates an update body: an object with at least one of the four fields, comments of 1–2000 characters,
/// `duplicate_of` only with `status: "duplicate"` and required by it.
///
/// # Errors
/// Every invalid field, each named by JSON pointer.
pub fn parse_update(body: &Value) -> Result<UpdateRequest, Vec<FieldError>> {
    let Some(obj) = body.as_object() else {
        return Err(vec![FieldError::pointer("", "the body must be a JSON object")]);
    };
    let mut errors = Vec::new();
    for key in obj.keys().filter(|k| !UPDATE_FIELDS.contains(&k.as_str())) {
        errors.push(FieldError::pointer(
            format!("/{key}"),
            format!("is not a field of an update; use {}", UPDATE_FIELDS.join(", ")),
        ));
    }
    let status = match obj.get("status") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => {
            s.parse().map_err(|e: super::UnknownValue| errors.push(FieldError::pointer("/status", e.0))).ok()
        }
        Some(_) => {
            errors.push(FieldError::pointer("/status", format!("must be a string, one of {}", Status::list())));
            None
        }
    };
    let public_comment = comment(obj, "public_comment", &mut errors);
    let internal_note = comment(obj, "internal_note", &mut errors);
    let duplicate_given = obj.get("duplicate_of").is_some_and(|v| !v.is_null());
    let duplicate_of = obj.get("duplicate_of").and_then(whole_number).filter(|&id| id > 0);
    if duplicate_given && duplicate_of.is_none() {
        errors.push(FieldError::pointer("/duplicate_of", "must be a pin id (a positive integer)"));
    } else if duplicate_given && status != Some(Status::Duplicate) {
        errors.push(FieldError::pointer("/duplicate_of", "is only taken with status \"duplicate\""));
    } else if !duplicate_given && status == Some(Status::Duplicate) {
        errors.push(FieldError::pointer(
            "/duplicate_of",
            "is required with status \"duplicate\": the id of the pin this one repeats",
        ));
    }
    let request = UpdateRequest { status, public_comment, internal_note, duplicate_of };
    if errors.is_empty() && request == UpdateRequest::default() {
        errors.push(FieldError::pointer("", "an update needs at least one of status, public_comment, internal_note"));
    }
    if errors.is_empty() { Ok(request) } else { Err(errors) }
}

/// A JSON integer, written as one (`7`) or with a zero fraction (`7.0`, which JSON Schema counts as an
/// integer too, and some encoders write); a float beyond 2^53 is no exact id.
fn whole_number(v: &Value) -> Option<i64> {
    const EXACT: f64 = 9_007_199_254_740_992.0;
    #[allow(clippy::cast_possible_truncation)] // whole and within ±2^53: the cast is exact
    let from_float = || v.as_f64().filter(|f| f.fract() == 0.0 && f.abs() <= EXACT).map(|f| f as i64);
    v.as_i64().or_else(from_float)
}

fn comment(obj: &Map<String, Value>, field: &str, errors: &mut Vec<FieldError>) -> Option<String> {
    let pointer = format!("/{field}");
    match obj.get(field) {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => {
            let t = s.trim();
            let n = t.chars().count();
            if n == 0 || n > COMMENT_MAX_CHARS {
                errors.push(FieldError::pointer(
                    pointer,
                    format!("must be 1 to {COMMENT_MAX_CHARS} characters after trimming; got {n}"),
                ));
                None
            } else {
                check_text(t, COMMENT_MAX_CHARS).map_err(|why| errors.push(FieldError::pointer(pointer, why))).ok()
            }
        }
        Some(_) => {
            errors.push(FieldError::pointer(pointer, "must be a string"));
            None
        }
    }
}

/// Who acted: a staff member, or the command line on the server (`qala staff …`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub name: String,
    /// `None` for the command line, which is recorded with the role `system`.
    pub role: Option<Role>,
}

impl Actor {
    pub fn staff(name: &str, role: Role) -> Self {
        Self { name: name.to_owned(), role: Some(role) }
    }

    /// The command line, run by whoever may open the store.
    pub fn command_line() -> Self {
        Self { name: "qala-cli".into(), role: None }
    }

    /// The service itself, acting on a schedule (the contact retention).
    pub fn service() -> Self {
        Self { name: "qala-serve".into(), role: None }
    }

    pub fn role_str(&self) -> &'static str {
        self.role.map_or("system", Role::as_str)
    }
}

/// An update to apply: the pin must still carry `expected_updated_at` (its ETag) for it to apply.
#[derive(Debug, Clone, PartialEq)]
pub struct NewPinUpdate {
    pub pin_id: PinId,
    pub expected_updated_at: DateTime<Utc>,
    pub at: DateTime<Utc>,
    pub actor: Actor,
    /// `(from, to)` when the status changes.
    pub status: Option<(Status, Status)>,
    pub public_comment: Option<String>,
    pub internal_note: Option<String>,
    pub duplicate_of: Option<PinId>,
    /// `(from, to)` when a moderation changes who may see the pin.
    pub visibility: Option<(Visibility, Visibility)>,
    /// The new public description, when a moderator redacts it.
    pub description: Option<String>,
}

impl NewPinUpdate {
    /// The timeline entry as stored under `id` (at `at`, the stored form of `self.at`).
    pub fn stored(&self, id: i64, at: DateTime<Utc>) -> PinUpdate {
        PinUpdate {
            id,
            pin_id: self.pin_id,
            at,
            actor_name: self.actor.name.clone(),
            actor_role: self.actor.role_str().to_owned(),
            status: self.status,
            public_comment: self.public_comment.clone(),
            internal_note: self.internal_note.clone(),
            duplicate_of: self.duplicate_of,
        }
    }
}

/// One entry of a pin's timeline.
#[derive(Debug, Clone, PartialEq)]
pub struct PinUpdate {
    pub id: i64,
    pub pin_id: PinId,
    pub at: DateTime<Utc>,
    pub actor_name: String,
    pub actor_role: String,
    pub status: Option<(Status, Status)>,
    pub public_comment: Option<String>,
    pub internal_note: Option<String>,
    pub duplicate_of: Option<PinId>,
}

impl PinUpdate {
    /// Whether the public sees this entry at all (a status change or a public comment).
    pub fn is_public(&self) -> bool {
        self.status.is_some() || self.public_comment.is_some()
    }
}

/// The time to stamp on an update of a pin last updated at `previous`: now, but always at least a
/// microsecond later, so that `updated_at` (and with it the ETag) changes with every update even when the
/// clock has not moved or stepped back.
pub fn next_update_time(previous: DateTime<Utc>, now: DateTime<Utc>) -> DateTime<Utc> {
    let now = DateTime::from_timestamp_micros(now.timestamp_micros()).unwrap_or(now);
    now.max(previous + Duration::microseconds(1))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn the_transition_table() {
        use Status::*;
        let allowed: Vec<(Status, Status)> = Status::ALL
            .into_iter()
            .flat_map(|a| Status::ALL.into_iter().map(move |b| (a, b)))
            .filter(|&(a, b)| a.may_become(b))
            .collect();
        assert_eq!(
            allowed,
            [
                (New, Confirmed),
                (New, Rejected),
                (New, Duplicate),
                (Confirmed, Planned),
                (Confirmed, InProgress),
                (Confirmed, Rejected),
                (Confirmed, Duplicate),
                (Planned, InProgress),
                (Planned, Rejected),
                (InProgress, Planned),
                (InProgress, Resolved),
                (Resolved, InProgress),
                (Rejected, Confirmed),
                (Duplicate, Confirmed),
            ]
        );
    }

    #[test]
    fn updates_are_checked_field_by_field() {
        let ok = parse_update(&json!({"status": "confirmed", "public_comment": "  seen  "})).unwrap_or_default();
        assert_eq!(ok.status, Some(Status::Confirmed));
        assert_eq!(ok.public_comment.as_deref(), Some("seen"));
        let pointers = |v: Value| -> Vec<String> {
            parse_update(&v).err().unwrap_or_default().into_iter().map(|e| e.summary()).collect()
        };
        assert!(pointers(json!({}))[0].starts_with("the body: an update needs"));
        assert!(pointers(json!({"status": "done"}))[0].starts_with("/status:"));
        assert!(pointers(json!({"status": "duplicate"}))[0].starts_with("/duplicate_of: is required"));
        assert!(pointers(json!({"status": "confirmed", "duplicate_of": 3}))[0].starts_with("/duplicate_of: is only"));
        let as_float: Value =
            serde_json::from_str(r#"{"status": "duplicate", "duplicate_of": 3.0}"#).unwrap_or_default();
        assert_eq!(parse_update(&as_float).map(|u| u.duplicate_of), Ok(Some(3)));
        assert!(pointers(json!({"status": "duplicate", "duplicate_of": 3.5}))[0].starts_with("/duplicate_of: must be"));
        assert!(pointers(json!({"public_comment": ""}))[0].starts_with("/public_comment: must be 1 to 2000"));
        assert!(pointers(json!({"internal_note": "x".repeat(2001)}))[0].starts_with("/internal_note:"));
        assert!(pointers(json!({"colour": "red", "internal_note": "x"}))[0].starts_with("/colour:"));
        assert!(pointers(json!([1]))[0].starts_with("the body:"));
    }

    #[test]
    fn update_times_always_move_forward() {
        let t = DateTime::from_timestamp_micros(1_700_000_000_000_000).unwrap_or_default();
        assert_eq!(next_update_time(t, t), t + Duration::microseconds(1));
        assert_eq!(next_update_time(t, t - Duration::seconds(5)), t + Duration::microseconds(1));
        assert_eq!(next_update_time(t, t + Duration::seconds(5)), t + Duration::seconds(5));
    }
}
