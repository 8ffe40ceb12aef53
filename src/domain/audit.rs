//! The audit trail: one append-only record per staff action and per contact read.
//!
//! Both stores refuse UPDATE and DELETE on the table with a trigger, so not even a bug in qala can rewrite
//! history; an entry is written in the same transaction as the action it records.

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::Actor;

/// What was done, as the audit log names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AuditAction {
    StaffAdd,
    StaffToken,
    StaffRevoke,
    SessionSignIn,
    SessionSignOut,
    PinUpdate,
    ContactRead,
    PinModerate,
    AreaImport,
    AreaActivate,
    ContactsPurge,
}

impl AuditAction {
    pub const ALL: [AuditAction; 11] = [
        AuditAction::StaffAdd,
        AuditAction::StaffToken,
        AuditAction::StaffRevoke,
        AuditAction::SessionSignIn,
        AuditAction::SessionSignOut,
        AuditAction::PinUpdate,
        AuditAction::ContactRead,
        AuditAction::PinModerate,
        AuditAction::AreaImport,
        AuditAction::AreaActivate,
        AuditAction::ContactsPurge,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AuditAction::StaffAdd => "staff.add",
            AuditAction::StaffToken => "staff.token",
            AuditAction::StaffRevoke => "staff.revoke",
            AuditAction::SessionSignIn => "session.sign_in",
            AuditAction::SessionSignOut => "session.sign_out",
            AuditAction::PinUpdate => "pin.update",
            AuditAction::ContactRead => "pin.contact_read",
            AuditAction::PinModerate => "pin.moderate",
            AuditAction::AreaImport => "area.import",
            AuditAction::AreaActivate => "area.activate",
            AuditAction::ContactsPurge => "contacts.purge",
        }
    }
}

/// An entry to append.
#[derive(Debug, Clone, PartialEq)]
pub struct NewAuditEntry {
    pub at: DateTime<Utc>,
    pub actor: Actor,
    pub action: AuditAction,
    /// What was acted on: `pin:12`, `staff:alice`.
    pub target: String,
    pub before: Option<Value>,
    pub after: Option<Value>,
    /// The HTTP request's id (`x-request-id`), `None` for the command line.
    pub request_id: Option<String>,
}

impl NewAuditEntry {
    /// An entry by `actor` at `at`, with no target, before or after yet.
    pub fn new(actor: Actor, action: AuditAction, request_id: Option<String>) -> Self {
        Self { at: chrono::Utc::now(), actor, action, target: String::new(), before: None, after: None, request_id }
    }

    /// The same entry about `target` (what the store learns only as it writes, such as a new version's id).
    pub fn about(&self, target: String, after: Option<Value>) -> Self {
        Self { target, after: after.or_else(|| self.after.clone()), ..self.clone() }
    }
}

/// A stored entry.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditEntry {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor_name: String,
    pub actor_role: String,
    pub action: String,
    pub target: String,
    pub before: Option<Value>,
    pub after: Option<Value>,
    pub request_id: Option<String>,
}
