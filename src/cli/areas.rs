//! `qala areas import|activate|list`: planners manage districts and historic-centre drafts from the shell.

use indicatif::{ProgressBar, ProgressStyle};

use super::{CliError, open_store};
use crate::config::{AreasArgs, AreasCommand, ImportArgs};
use crate::domain::{Actor, AreaKind, AuditAction, NewAuditEntry};
use crate::ingest::{VersionMeta, new_version};
use crate::spatial::import::{ImportOptions, read_any_area_file};

pub async fn run(args: AreasArgs) -> Result<(), CliError> {
    let store = open_store(&args.store).await?;
    match args.command {
        AreasCommand::Import(import) => run_import(store.as_ref(), import).await,
        AreasCommand::Activate { id } => {
            let areas = store.areas().await?;
            let area = areas
                .iter()
                .find(|a| a.id == id)
                .ok_or_else(|| CliError::Usage(format!("there is no area {id}; see `qala areas list`")))?;
            let version = store
                .activate_area_version(
                    area.version.id,
                    &NewAuditEntry::new(Actor::command_line(), AuditAction::AreaActivate, None),
                )
                .await?
                .ok_or_else(|| CliError::Usage(format!("the version of area {id} has gone")))?;
            println!("{} version {} (\"{}\", area {id}) is now current", version.kind, version.number, version.label);
            Ok(())
        }
        AreasCommand::List => {
            for area in store.areas().await? {
                let v = &area.version;
                println!(
                    "area {:>4}  {:<15} v{:<3} {:<8} {:>9.3} km²  {}  [{}]",
                    area.id,
                    v.kind.as_str(),
                    v.number,
                    if v.current { "current" } else { "" },
                    area.area_km2,
                    area.label,
                    v.label
                );
            }
            Ok(())
        }
    }
}

async fn run_import(store: &dyn crate::store::Store, args: ImportArgs) -> Result<(), CliError> {
    let kind: AreaKind = args.kind.parse().map_err(|e: crate::domain::UnknownValue| CliError::Usage(e.0))?;
    let options = ImportOptions { crs: args.crs.clone(), name_field: args.name_field.clone() };
    let bar = ProgressBar::new(0).with_style(
        ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} features")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar.set_message(format!("reading {}", args.file.display()));
    let file = read_any_area_file(&args.file, &options, &mut |done, total| {
        bar.set_length(total as u64);
        bar.set_position(done as u64);
    })
    .await;
    bar.finish_and_clear();
    let file = file.map_err(|e| CliError::Usage(format!("{}: {e}; nothing was imported", args.file.display())))?;
    let source_crs = file.source_crs.clone();
    let meta = VersionMeta {
        kind,
        label: args.label.clone(),
        source_file: args
            .file
            .file_name()
            .map_or_else(|| args.file.display().to_string(), |n| n.to_string_lossy().into_owned()),
        activate: args.activate,
    };
    let audit = NewAuditEntry::new(Actor::command_line(), AuditAction::AreaImport, None);
    let (version, areas) = store.insert_area_version(&new_version(file, &meta), &audit).await?;
    println!(
        "imported {} {} area(s) from {} ({source_crs}) as {} version {}{}",
        areas.len(),
        kind,
        args.file.display(),
        kind,
        version.number,
        if version.current { ", now current" } else { " (not current: `qala areas activate ID` to switch)" }
    );
    for area in &areas {
        println!("  area {:>4}  {:>9.3} km²  {}", area.id, area.area_km2, area.label);
    }
    Ok(())
}
