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
}

impl AuditAction {
    pub const ALL: [AuditAction; 7] = [
        AuditAction::StaffAdd,
        AuditAction::StaffToken,
        AuditAction::StaffRevoke,
        AuditAction::SessionSignIn,
        AuditAction::SessionSignOut,
        AuditAction::PinUpdate,
        AuditAction::ContactRead,
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
