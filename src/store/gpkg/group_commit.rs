//! Group commit for citizens' reports on the embedded store.
//!
//! Why: with `synchronous = FULL` every SQLite commit waits for the disk, and SQLite has one writer, so one
//! commit per report caps the store at one disk sync per report. Reports that arrive while a commit is in
//! flight queue here and the next commit takes all of them (up to [`MAX_BATCH`]): one sync for many reports.
//! Each caller still gets its `Pin` only after the transaction holding it has committed, so a `201` still
//! means durable. If a batch fails for a reason other than a busy or unavailable store, its reports are
//! retried one by one, so each caller gets its own answer and one bad report cannot sink the others.

use sqlx::sqlite::SqlitePool;
use tokio::sync::{mpsc, oneshot};

use super::now;
use super::pins::insert_many;
use crate::domain::{NewPin, Pin, PinRecord, Status};
use crate::store::StoreError;

/// The most reports one commit takes.
const MAX_BATCH: usize = 256;

type Reply = oneshot::Sender<Result<Pin, StoreError>>;

/// The handle: clone it freely; the committing task ends when the last handle is dropped.
#[derive(Clone)]
pub(super) struct GroupCommit {
    queue: mpsc::Sender<(NewPin, Reply)>,
}

impl GroupCommit {
    /// Starts the committing task on the current Tokio runtime.
    pub(super) fn start(writer: SqlitePool) -> Self {
        let (queue, mut inbox) = mpsc::channel::<(NewPin, Reply)>(4 * MAX_BATCH);
        tokio::spawn(async move {
            let mut batch = Vec::with_capacity(MAX_BATCH);
            while inbox.recv_many(&mut batch, MAX_BATCH).await > 0 {
                commit(&writer, std::mem::take(&mut batch)).await;
            }
        });
        Self { queue }
    }

    /// Inserts one report and returns it once the commit that holds it is on disk.
    pub(super) async fn insert(&self, pin: NewPin) -> Result<Pin, StoreError> {
        let (reply, answer) = oneshot::channel();
        let closed = || StoreError::Unavailable("the embedded store is shutting down".into());
        self.queue.send((pin, reply)).await.map_err(|_| closed())?;
        answer.await.map_err(|_| closed())?
    }
}

async fn commit(writer: &SqlitePool, batch: Vec<(NewPin, Reply)>) {
    let at = now();
    let records: Vec<PinRecord> =
        batch.iter().map(|(pin, _)| PinRecord { pin: pin.clone(), status: Status::New, created_at: at }).collect();
    match insert_many(writer, &records).await {
        Ok(pins) if pins.len() == batch.len() => {
            for ((_, reply), pin) in batch.into_iter().zip(pins) {
                // The caller may have gone (client disconnected); the pin is committed either way.
                let _ = reply.send(Ok(pin));
            }
        }
        // Busy or unreachable: every report in the batch gets the same "try again", at once (retrying each
        // would make the last caller wait the busy timeout once per report ahead of it).
        Err(StoreError::Unavailable(why)) => {
            for (_, reply) in batch {
                let _ = reply.send(Err(StoreError::Unavailable(why.clone())));
            }
        }
        _ => {
            for ((_, reply), record) in batch.into_iter().zip(records) {
                let one = insert_many(writer, std::slice::from_ref(&record)).await.and_then(|mut pins| {
                    pins.pop().ok_or_else(|| StoreError::Corrupt("an insert returned no row".into()))
                });
                let _ = reply.send(one);
            }
        }
    }
}
