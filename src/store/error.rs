//! Store failures, with enough context to log; the HTTP mapping lives in `http/error.rs`.

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The store cannot be reached or is saturated; the client may retry.
    #[error("the store is unavailable: {0}")]
    Unavailable(String),
    /// The store's disk is full: nothing more can be written until an operator frees space (reads work).
    #[error("the store's disk is full: {0}")]
    Full(String),
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
            sqlx::Error::PoolTimedOut
            | sqlx::Error::PoolClosed
            | sqlx::Error::Io(_)
            | sqlx::Error::Tls(_)
            | sqlx::Error::WorkerCrashed => StoreError::Unavailable(e.to_string()),
            sqlx::Error::Database(ref db) => match Code::of(db.as_ref()) {
                Code::Full => StoreError::Full(e.to_string()),
                Code::Unavailable => StoreError::Unavailable(e.to_string()),
                Code::Other => StoreError::Query(e),
            },
            other => StoreError::Query(other),
        }
    }
}

/// What a database's error code says about the store (rather than about the query).
#[derive(PartialEq, Eq)]
enum Code {
    Full,
    Unavailable,
    Other,
}

impl Code {
    /// From a SQLite result code (a number, maybe an extended one) or a PostgreSQL SQLSTATE.
    fn of(db: &dyn sqlx::error::DatabaseError) -> Code {
        let code = db.code().unwrap_or_default();
        if db.try_downcast_ref::<sqlx::sqlite::SqliteError>().is_some() {
            return match code.parse::<i32>().unwrap_or(0) & 0xff {
                // SQLITE_FULL.
                13 => Code::Full,
                // SQLITE_BUSY, SQLITE_LOCKED after busy_timeout: another writer held on; SQLITE_IOERR (the disk
                // failed a read or write), SQLITE_CANTOPEN: the client may retry.
                5 | 6 | 10 | 14 => Code::Unavailable,
                _ => Code::Other,
            };
        }
        match code.as_ref() {
            // disk_full.
            "53100" => Code::Full,
            // Class 08 (the connection failed or was lost), 57P01–57P03 (the server is shutting down, crashed, or
            // is starting up: an administrator's restart), class 53 (too many connections, out of memory).
            c if c.starts_with("08") || c.starts_with("57P") || c.starts_with("53") => Code::Unavailable,
            _ => Code::Other,
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
