//! `qala staff add|list|revoke|token`: the city's staff, managed on the server by whoever may open the store.
//! A new token is printed once, alone on the last line of standard output, so a script can take it with
//! `tail -n 1`; only its hash is stored. Every change is in the audit log, by the actor `qala-cli`.

use chrono::{Duration, SecondsFormat, Utc};
use serde_json::json;

use super::{CliError, open_store};
use crate::auth;
use crate::config::{StaffArgs, StaffCommand};
use crate::domain::{Actor, AuditAction, CredentialKind, NewAuditEntry, Role, check_staff_name};
use crate::store::Store;

pub async fn run(args: StaffArgs) -> Result<(), CliError> {
    let store = open_store(&args.store).await?;
    match args.command {
        StaffCommand::Add { name, role, expires_days } => add(store.as_ref(), &name, &role, expires_days).await,
        StaffCommand::List => list(store.as_ref()).await,
        StaffCommand::Revoke { name } => revoke(store.as_ref(), &name).await,
        StaffCommand::Token { name, expires_days } => token(store.as_ref(), &name, expires_days).await,
    }
}

fn lifetime(days: u32) -> Result<Duration, CliError> {
    if !(1..=3650).contains(&days) {
        return Err(CliError::Usage(format!("--expires-days must be 1 to 3650; got {days}")));
    }
    Ok(Duration::days(i64::from(days)))
}

fn entry(action: AuditAction, name: &str, after: serde_json::Value) -> NewAuditEntry {
    NewAuditEntry {
        at: Utc::now(),
        actor: Actor::command_line(),
        action,
        target: format!("staff:{name}"),
        before: None,
        after: Some(after),
        request_id: None,
    }
}

fn issue(name: &str, days: u32) -> Result<(auth::Secret, crate::domain::NewCredential), CliError> {
    auth::issue(CredentialKind::Token, name, Utc::now(), lifetime(days)?)
        .map_err(|e| CliError::Usage(format!("the operating system gave no random bytes: {e}")))
}

async fn add(store: &dyn Store, name: &str, role: &str, days: u32) -> Result<(), CliError> {
    check_staff_name(name).map_err(CliError::Usage)?;
    let role: Role = role.parse().map_err(|e: crate::domain::UnknownValue| CliError::Usage(e.0))?;
    let (secret, credential) = issue(name, days)?;
    let audit = entry(
        AuditAction::StaffAdd,
        name,
        json!({ "role": role.as_str(), "token_expires_at": credential.expires_at, "selector": credential.selector }),
    );
    if !store.insert_staff(role, &credential, &audit).await? {
        return Err(CliError::Usage(format!(
            "there is already a staff member called {name:?}; `qala staff token {name}` gives them a new token"
        )));
    }
    println!(
        "added {name} as {}; their token expires {} and is shown only now:",
        role.as_str(),
        credential.expires_at.to_rfc3339_opts(SecondsFormat::Secs, true)
    );
    println!("{}", secret.expose());
    Ok(())
}

async fn token(store: &dyn Store, name: &str, days: u32) -> Result<(), CliError> {
    let (secret, credential) = issue(name, days)?;
    let audit = entry(
        AuditAction::StaffToken,
        name,
        json!({ "token_expires_at": credential.expires_at, "selector": credential.selector }),
    );
    if !store.insert_credential(&credential, &audit).await? {
        return Err(CliError::Usage(format!("there is no active staff member called {name:?}")));
    }
    println!(
        "a new token for {name}; it expires {} and is shown only now (earlier tokens keep working):",
        credential.expires_at.to_rfc3339_opts(SecondsFormat::Secs, true)
    );
    println!("{}", secret.expose());
    Ok(())
}

async fn revoke(store: &dyn Store, name: &str) -> Result<(), CliError> {
    let audit = entry(AuditAction::StaffRevoke, name, json!({ "revoked": true }));
    if !store.revoke_staff(name, &audit).await? {
        return Err(CliError::Usage(format!("there is no active staff member called {name:?}")));
    }
    println!("revoked {name}: every token and session of theirs stops working on the next request");
    Ok(())
}

async fn list(store: &dyn Store) -> Result<(), CliError> {
    let staff = store.staff().await?;
    if staff.is_empty() {
        println!("no staff yet: `qala staff add NAME --role planner` adds one");
        return Ok(());
    }
    let day = |t: chrono::DateTime<Utc>| t.to_rfc3339_opts(SecondsFormat::Secs, true);
    println!("{:<24} {:<10} {:<22} REVOKED", "NAME", "ROLE", "TOKEN EXPIRES");
    for m in staff {
        println!(
            "{:<24} {:<10} {:<22} {}",
            m.name,
            m.role.as_str(),
            m.token_expires_at.map_or_else(|| "no valid token".to_owned(), day),
            m.revoked_at.map_or_else(|| "-".to_owned(), day)
        );
    }
    Ok(())
}
