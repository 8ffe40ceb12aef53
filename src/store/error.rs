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
            other => StoreError::Query(other),
        }
    }
}
