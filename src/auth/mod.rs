//! Staff credentials: how tokens are made, stored and checked. No HTTP here: the CLI issues tokens, the HTTP
//! layer reads them from `Authorization: Bearer` or the session cookie, and both ask [`authenticate`].
//!
//! A credential is `qala_` + a 12-character *selector* + a 43-character *verifier* (base64url of 9 and 32
//! random bytes from the operating system). The store keeps the selector and the SHA-256 of the verifier:
//! a stolen store holds no usable token, and the lookup by selector is followed by a constant-time
//! comparison of the hashes, so response times say nothing about how much of a guess was right. Every
//! check reads the store, so a revocation or an expiry holds on the next request, on every instance.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Duration, Utc};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::domain::{CredentialKind, NewCredential, Role};
use crate::store::{Store, StoreError};

const PREFIX: &str = "qala_";
const SELECTOR_BYTES: usize = 9;
const VERIFIER_BYTES: usize = 32;
const SELECTOR_CHARS: usize = 12;
const VERIFIER_CHARS: usize = 43;

/// How long a web session lasts at most (never longer than the token it was made from).
pub const SESSION_HOURS: i64 = 12;

/// A credential's secret text, shown once and never logged: `Debug` redacts it.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

/// A staff member as a request authenticated them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffSession {
    pub name: String,
    pub role: Role,
    pub kind: CredentialKind,
    /// The credential's selector (its public half), to end a web session.
    pub selector: String,
    pub expires_at: DateTime<Utc>,
}

/// Why a credential was refused; all of them are a 401 to the client, which is not told which.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Refused {
    #[error("not a qala credential")]
    Malformed,
    #[error("unknown or wrong credential")]
    Unknown,
    #[error("expired")]
    Expired,
    #[error("revoked")]
    Revoked,
}

/// A fresh credential for `staff_name`, valid from `now` for `lifetime`: the secret to hand out once, and
/// what the store keeps.
///
/// # Errors
/// When the operating system cannot supply random bytes.
pub fn issue(
    kind: CredentialKind,
    staff_name: &str,
    now: DateTime<Utc>,
    lifetime: Duration,
) -> Result<(Secret, NewCredential), getrandom::Error> {
    let mut selector = [0_u8; SELECTOR_BYTES];
    let mut verifier = [0_u8; VERIFIER_BYTES];
    getrandom::fill(&mut selector)?;
    getrandom::fill(&mut verifier)?;
    let selector = URL_SAFE_NO_PAD.encode(selector);
    let secret = Secret(format!("{PREFIX}{selector}{}", URL_SAFE_NO_PAD.encode(verifier)));
    let stored = NewCredential {
        selector,
        verifier_sha256: Sha256::digest(verifier).into(),
        kind,
        staff_name: staff_name.to_owned(),
        created_at: now,
        expires_at: now + lifetime,
    };
    Ok((secret, stored))
}

/// The selector and verifier of a credential's text, if it has the shape of one.
fn split(text: &str) -> Option<(&str, Vec<u8>)> {
    let rest = text.strip_prefix(PREFIX)?;
    if rest.len() != SELECTOR_CHARS + VERIFIER_CHARS || !rest.is_ascii() {
        return None;
    }
    let (selector, verifier) = rest.split_at(SELECTOR_CHARS);
    let verifier = URL_SAFE_NO_PAD.decode(verifier).ok()?;
    (verifier.len() == VERIFIER_BYTES && URL_SAFE_NO_PAD.decode(selector).is_ok()).then_some((selector, verifier))
}

/// Checks a credential's text against the store at `now`.
///
/// # Errors
/// `Err(Ok(refused))` when the credential is not valid, `Err(Err(e))` when the store failed.
pub async fn authenticate(
    store: &dyn Store,
    text: &str,
    kind: CredentialKind,
    now: DateTime<Utc>,
) -> Result<StaffSession, Result<Refused, StoreError>> {
    let (selector, verifier) = split(text).ok_or(Ok(Refused::Malformed))?;
    let stored = store.credential(selector).await.map_err(Err)?.ok_or(Ok(Refused::Unknown))?;
    let hash: [u8; 32] = Sha256::digest(&verifier).into();
    let matches: bool = hash.ct_eq(stored.verifier_sha256.as_slice()).into();
    if !matches || stored.kind != kind {
        return Err(Ok(Refused::Unknown));
    }
    if stored.revoked {
        return Err(Ok(Refused::Revoked));
    }
    if stored.expires_at <= now {
        return Err(Ok(Refused::Expired));
    }
    Ok(StaffSession {
        name: stored.staff_name,
        role: stored.role,
        kind,
        selector: stored.selector,
        expires_at: stored.expires_at,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issued_secrets_split_back_and_only_their_hash_is_kept() {
        let now = Utc::now();
        let Ok((secret, stored)) = issue(CredentialKind::Token, "alice", now, Duration::days(90)) else {
            unreachable!("the OS has randomness")
        };
        assert_eq!(secret.expose().len(), PREFIX.len() + SELECTOR_CHARS + VERIFIER_CHARS);
        let (selector, verifier) = split(secret.expose()).unwrap_or_default();
        assert_eq!(selector, stored.selector);
        assert_eq!(<[u8; 32]>::from(Sha256::digest(&verifier)), stored.verifier_sha256);
        assert!(!secret.expose().contains(&URL_SAFE_NO_PAD.encode(stored.verifier_sha256)));
        assert_eq!(format!("{secret:?}"), "Secret(<redacted>)");
        let Ok((other, _)) = issue(CredentialKind::Token, "alice", now, Duration::days(1)) else { unreachable!() };
        assert_ne!(secret, other);
    }

    #[test]
    fn malformed_texts_are_refused_before_the_store() {
        for bad in ["", "qala_", "Bearer x", &format!("qala_{}", "A".repeat(54)), &format!("qala_{}", "é".repeat(55))]
        {
            assert!(split(bad).is_none(), "{bad}");
        }
    }
}
