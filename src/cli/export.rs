//! `qala export --format F --out FILE [--what pins|areas] [filters]`: the export API's files, written from the
//! command line with a progress bar. The filters are parsed by the same code as the API's query parameters,
//! and the same index answers them (loaded from the store first, as `qala serve` does).

use indicatif::{ProgressBar, ProgressStyle};

use super::{CliError, open_store};
use crate::config::ExportArgs;
use crate::export::{ExportFormat, RowSource, write_file};
use crate::feature_cache::FeatureCache;
use crate::selection::Work;
use crate::spatial::ServiceArea;
use crate::state::AppState;

pub async fn run(args: ExportArgs) -> Result<(), CliError> {
    let format = ExportFormat::parse(&args.format).map_err(|why| CliError::Usage(format!("--format: {why}")))?;
    if !matches!(args.what.as_str(), "pins" | "areas") {
        return Err(CliError::Usage(format!("--what: {:?} is neither pins nor areas", args.what)));
    }
    let store = open_store(&args.store).await?;
    let state = AppState::new(store.clone(), ServiceArea::almaty()?, FeatureCache::new(0));
    state.reload_areas().await?;
    if args.what == "pins" {
        let locations = store.pin_locations().await?;
        state.load_pins(&locations);
    }
    let mut source = RowSource::select(&state, &args.what, args.query_pairs())?.with_work(Work::unbounded());
    let bar = match source.len_hint(&state.pins) {
        Some(n) => ProgressBar::new(n).with_style(
            ProgressStyle::with_template("exporting [{bar:40}] {pos}/{len} ({per_sec}, {eta} left)")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        ),
        None => ProgressBar::new_spinner().with_message("exporting (filter needs every record read)"),
    };
    // A GeoPackage is a database: start from no file at all, as the format writer expects.
    if args.out.exists() {
        std::fs::remove_file(&args.out)
            .map_err(|source| CliError::Io { context: format!("cannot replace {}", args.out.display()), source })?;
    }
    let written =
        write_file(&mut source, &state.pins, store.as_ref(), format, &args.out, |n| bar.set_position(n)).await?;
    bar.finish_and_clear();
    println!("exported {written} {} to {} ({format})", args.what, args.out.display());
    Ok(())
}
