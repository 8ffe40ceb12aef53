//! The `qala` command line: one file per subcommand.

mod areas;
mod contacts;
mod export;
mod seed;
pub mod serve;
mod staff;
mod store;

use std::process::ExitCode;

use clap::Parser;
use tracing_subscriber::EnvFilter;

use std::sync::Arc;

use crate::config::{Cli, Command, ContactsCommand, StoreArgs, StoreCommand};
use crate::contact_key::{ContactKey, KeyError, KeySource};
use crate::domain::Contact;
use crate::store::Store;
use crate::store::gpkg::GpkgStore;
use crate::store::postgis::PostgisStore;

/// Parses arguments, sets up logging and runs the chosen subcommand. Errors end in one line on standard
/// error and a non-zero exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("qala=info,tower_http=info")),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("qala: error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async {
        match cli.command {
            Command::Serve(args) => serve::run(args).await,
            Command::Areas(args) => areas::run(args).await,
            Command::Seed(args) => seed::run(args).await,
            Command::Export(args) => export::run(args).await,
            Command::Staff(args) => staff::run(args).await,
            Command::Store { command: StoreCommand::Copy { from, to } } => store::copy(&from, &to).await,
            Command::Contacts { command: ContactsCommand::Purge { retention, store } } => {
                contacts::purge(&retention, &store).await
            }
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("qala: error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// A command-line failure: one line for the person at the terminal.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error("{0}")]
    Usage(String),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
    #[error("{context}: {source}")]
    Io { context: String, source: std::io::Error },
    #[error(transparent)]
    ServiceArea(#[from] crate::spatial::ServiceAreaError),
    #[error(transparent)]
    Ingest(#[from] crate::ingest::IngestError),
    #[error(transparent)]
    Export(#[from] crate::export::ExportError),
    /// Bad filters (`qala export`), each named as the API would.
    #[error(transparent)]
    Query(#[from] crate::params::QueryError),
}

/// The key that seals contacts for `store`: checked against the newest sealed contact (a wrong key is
/// refused before anything is written with it), created when the store has none yet, and then used to seal
/// the contacts an older qala stored in plain text.
///
/// # Errors
/// A wrong, malformed or missing key, or a store failure.
pub async fn contact_key(store: &dyn Store, args: &StoreArgs) -> Result<Arc<ContactKey>, CliError> {
    let newest = store.newest_sealed_contact().await?;
    let env = std::env::var("QALA_CONTACT_KEY").ok();
    let from = KeySource { env: env.as_deref(), file: &args.contact_key_file };
    let usage = |e: KeyError| CliError::Usage(format!("contact key: {e}"));
    let (key, created) = ContactKey::load(&from, newest.is_none()).map_err(usage)?;
    if created {
        tracing::info!(file = %args.contact_key_file.display(), "created a new contact key; back it up with the store");
    }
    if let Some(sealed) = newest {
        key.open(&sealed).map_err(|_| {
            CliError::Usage(format!(
                "the contact key from {} does not open this store's contacts: give the key the store was written with (QALA_CONTACT_KEY, or --contact-key-file PATH); nothing was changed",
                key.source()
            ))
        })?;
    }
    let plain = store.plain_contacts().await?;
    if !plain.is_empty() {
        let sealed = plain
            .into_iter()
            .map(|(id, text)| key.seal(&Contact::new_unchecked(text)).map(|s| (id, s)))
            .collect::<Result<Vec<_>, KeyError>>()
            .map_err(usage)?;
        store.seal_contacts(&sealed).await?;
        tracing::info!(contacts = sealed.len(), "sealed the contacts an older qala stored in plain text");
    }
    Ok(Arc::new(key))
}

/// Opens the store of record named by the arguments (applying its migrations).
///
/// # Errors
/// When no store is configured or it cannot be opened.
pub async fn open_store(args: &StoreArgs) -> Result<Arc<dyn Store>, CliError> {
    match args.database_url.as_deref().filter(|u| !u.is_empty()) {
        Some(url) => {
            let store = PostgisStore::connect(url, args.max_connections).await?;
            tracing::info!(store = "postgis", "store connected, schema up to date");
            Ok(Arc::new(store))
        }
        None => {
            let store = GpkgStore::open(&args.store_path).await?;
            tracing::info!(store = "gpkg", path = %args.store_path.display(), "store opened, schema up to date");
            Ok(Arc::new(store))
        }
    }
}
