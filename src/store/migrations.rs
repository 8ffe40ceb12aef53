//! Both stores' schema migrations (`migrations/postgres/`, `migrations/gpkg/`), compiled in.
//!
//! sqlx's `migrate!` would read the same folders, but it lives in sqlx's proc-macro crate, and that crate builds
//! sqlx's PostgreSQL and SQLite drivers a second time, for the compiler: about half a minute of every first
//! build. The list below is instead checked by a test against what sqlx's own resolver reads from the
//! folders (versions, descriptions and checksums), so a file added to a folder and not here fails the tests,
//! and stores migrated by earlier builds see the same checksums.

use std::sync::LazyLock;

use sqlx::SqlSafeStr;
use sqlx::migrate::{Migration, MigrationType, Migrator};

/// One migration file of `migrations/$dir/`: its name and its SQL.
macro_rules! migration {
    ($dir:literal, $file:literal) => {
        ($file, include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations/", $dir, "/", $file)))
    };
}

const POSTGRES_FILES: &[(&str, &str)] = &[
    migration!("postgres", "20261125000001_pins.sql"),
    migration!("postgres", "20261125000002_areas.sql"),
    migration!("postgres", "20261202000001_location_precision.sql"),
    migration!("postgres", "20261203000001_staff_workflow.sql"),
    migration!("postgres", "20261204000001_moderation.sql"),
    migration!("postgres", "20261205000001_idempotency.sql"),
    migration!("postgres", "20261206000001_sealed_contacts.sql"),
];

const GPKG_FILES: &[(&str, &str)] = &[
    migration!("gpkg", "20261125000001_geopackage.sql"),
    migration!("gpkg", "20261202000001_location_precision.sql"),
    migration!("gpkg", "20261203000001_staff_workflow.sql"),
    migration!("gpkg", "20261204000001_moderation.sql"),
    migration!("gpkg", "20261205000001_idempotency.sql"),
    migration!("gpkg", "20261206000001_sealed_contacts.sql"),
];

/// The PostGIS store's migrations.
pub(crate) static POSTGRES: LazyLock<Migrator> = LazyLock::new(|| migrator(POSTGRES_FILES));
/// The embedded store's migrations.
pub(crate) static GPKG: LazyLock<Migrator> = LazyLock::new(|| migrator(GPKG_FILES));

/// What sqlx's resolver makes of a folder: `VERSION_DESCRIPTION.sql`, the description with spaces for
/// underscores, "simple" (not reversible) migrations, each in a transaction unless it opts out.
fn migrator(files: &'static [(&'static str, &'static str)]) -> Migrator {
    Migrator::with_migrations(
        files
            .iter()
            .map(|&(file, sql)| {
                let (version, rest) = file.split_once('_').unwrap_or((file, ""));
                let description = rest.trim_end_matches(".sql").replace('_', " ");
                // The names above are literals checked by the test below: a bad one cannot reach a user.
                let version = version.parse().unwrap_or(0);
                Migration::new(
                    version,
                    description.into(),
                    MigrationType::Simple,
                    sql.into_sql_str(),
                    sql.starts_with("-- no-transaction"),
                )
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    fn summary(m: &Migrator) -> Vec<(i64, String, Vec<u8>, bool, bool)> {
        m.iter()
            .map(|m| {
                let reversible = m.migration_type != MigrationType::Simple;
                (m.version, m.description.to_string(), m.checksum.to_vec(), m.no_tx, reversible)
            })
            .collect()
    }

    #[tokio::test]
    async fn the_compiled_in_migrations_are_the_folders_as_sqlx_reads_them() {
        for (dir, ours) in [("postgres", &*POSTGRES), ("gpkg", &*GPKG)] {
            let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations").join(dir);
            let read = Migrator::new(folder.as_path()).await;
            assert!(read.is_ok(), "sqlx reads {}: {:?}", folder.display(), read.err());
            let read = read.map(|m| summary(&m)).unwrap_or_default();
            assert!(!read.is_empty());
            assert!(ours.iter().all(|m| m.version > 0), "every name starts with its version");
            assert_eq!(summary(ours), read, "migrations/{dir}/ and the list in store/migrations.rs");
        }
    }
}
