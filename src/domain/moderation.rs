//! Moderation: which reports the public may see, and what moderators may do about it.
//!
//! A pin is `public`, `pending` (reported while the service runs `--moderation pre`, waiting for a moderator)
//! or `hidden` (abuse, spam, a report that names a person). Only public pins reach any public surface: the
//! in-memory index that answers every listing, map, statistic and export holds public pins only
//! (`crate::state`), and the reads by id check visibility. Staff see the others on asking
//! (`visibility=pending|hidden`).
//!
//! The moderators' actions are a small table ([`ModerationAction::apply`]), as the status workflow is; a
//! redaction replaces the public description and leaves the visibility alone, the original going to the
//! audit log only.

use std::fmt;
use std::str::FromStr;

use serde_json::{Map, Value};

use super::text::check_text;
use super::validate::check_description;
use super::{FieldError, UnknownValue};

/// Longest moderation reason, in Unicode scalar values after trimming.
pub const REASON_MAX_CHARS: usize = 500;

/// Who may see a pin.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Visibility {
    #[default]
    Public,
    Pending,
    Hidden,
}

impl Visibility {
    pub const ALL: [Visibility; 3] = [Visibility::Public, Visibility::Pending, Visibility::Hidden];

    pub fn as_str(self) -> &'static str {
        match self {
            Visibility::Public => "public",
            Visibility::Pending => "pending",
            Visibility::Hidden => "hidden",
        }
    }
}

impl fmt::Display for Visibility {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Visibility {
    type Err = UnknownValue;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|v| v.as_str() == s)
            .ok_or_else(|| UnknownValue(format!("{s:?} is not a visibility; use public, pending or hidden")))
    }
}

/// When a citizen's report becomes public (`qala serve --moderation`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ModerationMode {
    /// Public at once; moderators hide afterwards.
    #[default]
    Post,
    /// Pending until a moderator approves it.
    Pre,
}

impl ModerationMode {
    pub fn as_str(self) -> &'static str {
        match self {
            ModerationMode::Post => "post",
            ModerationMode::Pre => "pre",
        }
    }

    /// The visibility of a new report.
    pub fn new_report(self) -> Visibility {
        match self {
            ModerationMode::Post => Visibility::Public,
            ModerationMode::Pre => Visibility::Pending,
        }
    }
}

impl FromStr for ModerationMode {
    type Err = UnknownValue;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "post" => Ok(ModerationMode::Post),
            "pre" => Ok(ModerationMode::Pre),
            _ => Err(UnknownValue(format!("{s:?} is not a moderation mode; use pre or post"))),
        }
    }
}

/// What a moderator does to a pin.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ModerationAction {
    Approve,
    Hide,
    Unhide,
    Redact,
}

impl ModerationAction {
    pub const ALL: [ModerationAction; 4] =
        [ModerationAction::Approve, ModerationAction::Hide, ModerationAction::Unhide, ModerationAction::Redact];

    pub fn as_str(self) -> &'static str {
        match self {
            ModerationAction::Approve => "approve",
            ModerationAction::Hide => "hide",
            ModerationAction::Unhide => "unhide",
            ModerationAction::Redact => "redact",
        }
    }

    /// The visibility after this action on a pin that is `from`, or `None` when the action does not fit
    /// (approving a public pin, unhiding a visible one).
    pub fn apply(self, from: Visibility) -> Option<Visibility> {
        use Visibility::*;
        match (self, from) {
            (ModerationAction::Approve, Pending) => Some(Public),
            (ModerationAction::Hide, Public | Pending) => Some(Hidden),
            (ModerationAction::Unhide, Hidden) => Some(Public),
            (ModerationAction::Redact, v) => Some(v),
            _ => None,
        }
    }
}

impl FromStr for ModerationAction {
    type Err = UnknownValue;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL.into_iter().find(|a| a.as_str() == s).ok_or_else(|| {
            UnknownValue(format!("{s:?} is not a moderation action; use approve, hide, unhide or redact"))
        })
    }
}

/// A moderation as sent (`POST /api/v1/pins/{id}/moderation`), checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModerationRequest {
    pub action: ModerationAction,
    pub reason: String,
    /// The new public description; given with `redact` and only then.
    pub description: Option<String>,
}

const MODERATION_FIELDS: [&str; 3] = ["action", "reason", "description"];

/// Checks a moderation body, naming every bad field at once.
///
/// # Errors
/// Each bad or missing field, by JSON pointer.
pub fn parse_moderation(body: &Value) -> Result<ModerationRequest, Vec<FieldError>> {
    let Some(obj) = body.as_object() else {
        return Err(vec![FieldError::pointer("", "the body must be a JSON object")]);
    };
    let mut errors = Vec::new();
    for key in obj.keys().filter(|k| !MODERATION_FIELDS.contains(&k.as_str())) {
        errors.push(FieldError::pointer(
            format!("/{key}"),
            format!("is not a field of a moderation; use {}", MODERATION_FIELDS.join(", ")),
        ));
    }
    let action = match obj.get("action") {
        Some(Value::String(s)) => {
            s.parse().map_err(|e: UnknownValue| errors.push(FieldError::pointer("/action", e.0))).ok()
        }
        _ => {
            errors.push(FieldError::pointer("/action", "is required: approve, hide, unhide or redact"));
            None
        }
    };
    let reason = reason(obj, &mut errors);
    let description = match obj.get("description") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => {
            check_description(s).map_err(|e| errors.push(FieldError::pointer("/description", e))).ok()
        }
        Some(_) => {
            errors.push(FieldError::pointer("/description", "must be a string"));
            None
        }
    };
    match (action, &description) {
        (Some(ModerationAction::Redact), None) if obj.get("description").is_none_or(Value::is_null) => errors.push(
            FieldError::pointer("/description", "is required with redact: the public text that replaces the report's"),
        ),
        (Some(a), Some(_)) if a != ModerationAction::Redact => {
            errors.push(FieldError::pointer("/description", "is only taken with redact"));
        }
        _ => {}
    }
    match (action, reason) {
        (Some(action), Some(reason)) if errors.is_empty() => Ok(ModerationRequest { action, reason, description }),
        _ => Err(errors),
    }
}

fn reason(obj: &Map<String, Value>, errors: &mut Vec<FieldError>) -> Option<String> {
    match obj.get("reason") {
        Some(Value::String(s)) => {
            let t = s.trim();
            let n = t.chars().count();
            if n == 0 || n > REASON_MAX_CHARS {
                errors.push(FieldError::pointer(
                    "/reason",
                    format!("must be 1 to {REASON_MAX_CHARS} characters after trimming; got {n}"),
                ));
                None
            } else {
                check_text(t, REASON_MAX_CHARS).map_err(|why| errors.push(FieldError::pointer("/reason", why))).ok()
            }
        }
        _ => {
            errors.push(FieldError::pointer("/reason", "is required: why, in a few words, for the audit log"));
            None
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn the_action_table() {
        use ModerationAction::*;
        use Visibility::*;
        let table = [
            (Approve, [None, Some(Public), None]),
            (Hide, [Some(Hidden), Some(Hidden), None]),
            (Unhide, [None, None, Some(Public)]),
            (Redact, [Some(Public), Some(Pending), Some(Hidden)]),
        ];
        for (action, after) in table {
            for (from, expected) in Visibility::ALL.into_iter().zip(after) {
                assert_eq!(action.apply(from), expected, "{} on {from}", action.as_str());
            }
        }
    }

    #[test]
    fn bodies_are_checked_field_by_field() {
        let ok = parse_moderation(&json!({"action": "hide", "reason": " spam "})).unwrap();
        assert_eq!((ok.action, ok.reason.as_str(), ok.description), (ModerationAction::Hide, "spam", None));
        let redact = parse_moderation(&json!({"action": "redact", "reason": "a phone number", "description": "Kerb"}));
        assert_eq!(redact.unwrap().description.as_deref(), Some("Kerb"));
        let pointers =
            |body: Value| -> Vec<String> { parse_moderation(&body).unwrap_err().iter().map(|e| e.summary()).collect() };
        assert_eq!(pointers(json!({})).len(), 2);
        assert!(pointers(json!({"action": "delete", "reason": "x"}))[0].contains("not a moderation action"));
        assert!(pointers(json!({"action": "redact", "reason": "x"}))[0].contains("required with redact"));
        let null = json!({"action": "redact", "reason": "x", "description": null});
        assert!(pointers(null)[0].contains("required with redact"), "a null description redacts nothing");
        assert!(pointers(json!({"action": "hide", "reason": "x", "description": "y"}))[0].contains("only taken"));
        assert!(pointers(json!({"action": "hide", "reason": "x".repeat(501)}))[0].contains("1 to 500"));
        assert!(pointers(json!({"action": "hide", "reason": "x", "extra": 1}))[0].contains("/extra"));
        assert!(pointers(json!({"action": "redact", "reason": "x", "description": ""}))[0].contains("empty"));
        assert!(parse_moderation(&json!([])).is_err());
    }

    #[test]
    fn modes_and_visibilities_parse() {
        assert_eq!("pre".parse::<ModerationMode>().unwrap().new_report(), Visibility::Pending);
        assert_eq!(ModerationMode::default().new_report(), Visibility::Public);
        assert!("later".parse::<ModerationMode>().is_err());
        for v in Visibility::ALL {
            assert_eq!(v.as_str().parse::<Visibility>().unwrap(), v);
        }
    }
}
