//! `qala seed --count N --seed S`: fill a store with deterministic synthetic pins (see [`crate::seed`]) for a
//! demo or a benchmark, through the store's own write path, in batches, with a progress bar. Almaty's shipped
//! areas are loaded first when the store has none, as `qala serve` would.

use indicatif::{ProgressBar, ProgressStyle};

use super::{CliError, contact_key, open_store};
use crate::config::SeedArgs;
use crate::ingest::seed_shipped_areas;
use crate::seed::PinGenerator;
use crate::spatial::ServiceArea;

/// Pins per transaction: large enough that the commit cost vanishes, small enough to keep memory flat.
const BATCH: usize = 5000;

pub async fn run(args: SeedArgs) -> Result<(), CliError> {
    let store = open_store(&args.store).await?;
    seed_shipped_areas(store.as_ref()).await?;
    let key = contact_key(store.as_ref(), &args.store).await?;
    let bar = ProgressBar::new(args.count).with_style(
        ProgressStyle::with_template("seeding pins [{bar:40}] {pos}/{len} ({per_sec}, {eta} left)")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let mut pins = PinGenerator::new(args.seed, ServiceArea::almaty()?).with_contacts(key);
    let mut written: u64 = 0;
    while written < args.count {
        let take = usize::try_from(args.count - written).unwrap_or(BATCH).min(BATCH);
        let batch: Vec<_> = pins.by_ref().take(take).collect();
        store.insert_pins(&batch).await?;
        written += batch.len() as u64;
        bar.set_position(written);
    }
    bar.finish_and_clear();
    println!("seeded {written} pins (seed {}) into the {} store", args.seed, store.kind());
    Ok(())
}
