//! How long a reporter's contact is kept: `--contact-retention-days` after the report (365 by default). By
//! then the city has answered the pin or the contact is stale, and a contact nobody needs is a contact
//! that can only leak. `qala serve` purges once at start and every six hours; `qala contacts purge` does it
//! at once. Each purge is one transaction with its audit entry (`contacts.purge`, with the count).

use chrono::{DateTime, Duration, Utc};

use crate::domain::{Actor, AuditAction, NewAuditEntry};
use crate::store::{Store, StoreError};

/// Forgets the idempotency keys whose 24-hour window is over (a key row holds a keyed fingerprint of its
/// report, which has no business outliving the window). Returns how many.
///
/// # Errors
/// A store failure.
pub async fn forget_old_keys(store: &dyn Store) -> Result<u64, StoreError> {
    store.forget_idempotency_keys(Utc::now() - crate::domain::idempotency::WINDOW).await
}

/// Deletes the contacts older than `days` (none when `days` is 0): how many, and the cutoff.
///
/// # Errors
/// A store failure; nothing is deleted then.
pub async fn purge_contacts(
    store: &dyn Store,
    days: u32,
    actor: Actor,
) -> Result<Option<(u64, DateTime<Utc>)>, StoreError> {
    if days == 0 {
        return Ok(None);
    }
    let cutoff = Utc::now() - Duration::days(i64::from(days));
    let audit = NewAuditEntry::new(actor, AuditAction::ContactsPurge, None);
    let audit = NewAuditEntry { target: "contacts".into(), ..audit };
    let purged = store.purge_contacts(cutoff, &audit).await?;
    Ok(Some((purged, cutoff)))
}
