//! The city's side: staff members, their roles, and what each role may do.
//!
//! The role matrix lives here, in one function ([`Role::may`]), so the HTTP layer asks one question per
//! route and a reader checks the whole policy in one screen.

use std::str::FromStr;

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::UnknownValue;

/// What a staff member is allowed to do; every member has exactly one role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Moderator,
    Planner,
    Admin,
}

/// An action that only some roles may take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Power {
    /// See pending and hidden pins and internal notes; add an internal note.
    SeeInternal,
    /// Approve, hide, unhide, redact.
    Moderate,
    /// Mark a pin a duplicate of another.
    MarkDuplicate,
    /// Change a pin's status (other than to `duplicate`) and comment in public.
    ChangeStatus,
    /// Read a reporter's private contact (audited).
    ReadContact,
    /// Import and activate area versions.
    ManageAreas,
    /// Read the audit log.
    ReadAudit,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Moderator, Role::Planner, Role::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Moderator => "moderator",
            Role::Planner => "planner",
            Role::Admin => "admin",
        }
    }

    pub fn list() -> String {
        Self::ALL.map(Self::as_str).join(", ")
    }

    /// The role matrix (README, "Staff").
    pub fn may(self, power: Power) -> bool {
        use Power::*;
        match self {
            Role::Admin => true,
            Role::Moderator => matches!(power, SeeInternal | Moderate | MarkDuplicate),
            Role::Planner => matches!(power, SeeInternal | MarkDuplicate | ChangeStatus | ReadContact | ManageAreas),
        }
    }
}

impl FromStr for Role {
    type Err = UnknownValue;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| UnknownValue(format!("{s:?} is not a role; use one of {}", Self::list())))
    }
}

/// Longest staff name.
pub const STAFF_NAME_MAX: usize = 64;

/// Checks a staff member's name: 1–64 of `a-z 0-9 . _ -`, starting with a letter or digit. Names appear in
/// the audit log and on the command line, so they are kept plain.
///
/// # Errors
/// A sentence saying what is wrong.
pub fn check_staff_name(name: &str) -> Result<(), String> {
    let ok_start = name.chars().next().is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
    let ok_rest = name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-'));
    if name.is_empty() || name.len() > STAFF_NAME_MAX || !ok_start || !ok_rest {
        return Err(format!(
            "{name:?} is not a staff name: use 1 to {STAFF_NAME_MAX} of a-z, 0-9, '.', '_' and '-', starting with a letter or digit"
        ));
    }
    Ok(())
}

/// A staff member as `qala staff list` shows them (never a token).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffMember {
    pub name: String,
    pub role: Role,
    pub created_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
    /// When the member's last valid API token runs out; `None` when none is valid.
    pub token_expires_at: Option<DateTime<Utc>>,
}

/// How a credential was issued: an API token (`qala staff add|token`) or a web session made from one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CredentialKind {
    Token,
    Session,
}

impl CredentialKind {
    pub fn as_str(self) -> &'static str {
        match self {
            CredentialKind::Token => "token",
            CredentialKind::Session => "session",
        }
    }
}

impl FromStr for CredentialKind {
    type Err = UnknownValue;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "token" => Ok(CredentialKind::Token),
            "session" => Ok(CredentialKind::Session),
            _ => Err(UnknownValue(format!("{s:?} is not a credential kind"))),
        }
    }
}

/// A credential to store: only the SHA-256 of its secret half is kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCredential {
    pub selector: String,
    pub verifier_sha256: [u8; 32],
    pub kind: CredentialKind,
    pub staff_name: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// A stored credential with its member, as authentication reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credential {
    pub selector: String,
    pub verifier_sha256: Vec<u8>,
    pub kind: CredentialKind,
    pub staff_name: String,
    pub role: Role,
    pub expires_at: DateTime<Utc>,
    /// Whether the credential itself or its member was revoked.
    pub revoked: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_role_matrix() {
        use Power::*;
        let all = [SeeInternal, Moderate, MarkDuplicate, ChangeStatus, ReadContact, ManageAreas, ReadAudit];
        let allowed = |r: Role| all.into_iter().filter(|&p| r.may(p)).collect::<Vec<_>>();
        assert_eq!(allowed(Role::Moderator), [SeeInternal, Moderate, MarkDuplicate]);
        assert_eq!(allowed(Role::Planner), [SeeInternal, MarkDuplicate, ChangeStatus, ReadContact, ManageAreas]);
        assert_eq!(allowed(Role::Admin), all);
    }

    #[test]
    fn staff_names() {
        for good in ["alice", "a", "planner-2", "b.k_s"] {
            assert_eq!(check_staff_name(good), Ok(()), "{good}");
        }
        for bad in ["", "Alice", "-x", "a b", "é", &"a".repeat(65)] {
            assert!(check_staff_name(bad).is_err(), "{bad}");
        }
    }
}
