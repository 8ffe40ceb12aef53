//! `qala contacts purge`: delete the contacts past their retention now (see [`crate::retention`]).

use super::{CliError, open_store};
use crate::config::{RetentionArgs, StoreArgs};
use crate::domain::Actor;
use crate::retention::purge_contacts;

pub async fn purge(retention: &RetentionArgs, store: &StoreArgs) -> Result<(), CliError> {
    let store = open_store(store).await?;
    match purge_contacts(store.as_ref(), retention.contact_retention_days, Actor::command_line()).await? {
        Some((purged, cutoff)) => println!(
            "purged {purged} contacts of pins reported before {} ({} days)",
            cutoff.format("%Y-%m-%d %H:%M UTC"),
            retention.contact_retention_days
        ),
        None => println!("contacts are kept for ever (--contact-retention-days 0): nothing purged"),
    }
    Ok(())
}
