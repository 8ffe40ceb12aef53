//! Store failures, with enough context to log; the HTTP mapping lives in `http/error.rs`.

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The store cannot be reached or is saturated; the client may retry.
    #[error("the store is unavailable: {0}")]
    Unavailable(String),
    /// A query failed for another reason.
    #[error("store query failed: {0}")]
    Query(#[source] sqlx::Error),
    /// Applying the schema failed at start.
    #[error("applying the store schema failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// The store cannot be opened: the file or database is not one qala can use. Nothing was changed.
    #[error("{path}: {reason}")]
    Open { path: String, reason: String },
    /// Another report already holds this `Idempotency-Key` (two retries raced); nothing was written.
    #[error("the idempotency key is already taken")]
    KeyTaken,
    /// A row holds a value the domain does not know (another writer, or a newer schema).
    #[error("the store holds an unexpected value: {0}")]
    Corrupt(String),
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        match e {
            sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) | sqlx::Error::Tls(_) => {
                StoreError::Unavailable(e.to_string())
            }
            // SQLite's "database is locked"/"busy" after busy_timeout: another writer held on; the client may
            // retry, so it is a 503, never a 500.
            sqlx::Error::Database(ref db) if matches!(db.code().as_deref(), Some("5" | "6" | "517")) => {
                StoreError::Unavailable(e.to_string())
            }
            other => StoreError::Query(other),
        }
    }
}

/// The error of inserting an idempotency key: a unique violation means another report holds it.
pub(crate) fn key_insert_error(e: sqlx::Error) -> StoreError {
    match &e {
        sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::KeyTaken,
        _ => e.into(),
    }
}
