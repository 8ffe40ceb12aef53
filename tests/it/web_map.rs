//! The web map in a real browser. Runs the browser tests in `maps/tests` (Node's test runner, playwright-core
//! driving Debian's Chromium: no browser is downloaded) against a real qala serving `maps/dist` on a fresh
//! embedded store, filled with 3,000 of `qala seed`'s synthetic pins and a second historic-centre draft, with a
//! planner and a moderator; two more for the basemap and place-search tests, one beside a stand-in Nominatim
//! ([`Nominatim`]); and one with `--moderation pre` for the moderators' queue of pending reports.
//!
//! `./scripts/test` installs Chromium and the npm packages from `maps/package-lock.json` and builds the page
//! before `cargo test`; run on its own, this test fails (never skips) when any of that is missing.

use std::path::{Path, PathBuf};

use serde_json::json;

use crate::support::nominatim::Nominatim;
use crate::support::staff::add_staff;
use crate::support::{ServeOptions, Server, StoreKind, TestStore, qala_cli};

fn maps_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("maps")
}

fn require(path: &Path, what: &str) {
    assert!(path.exists(), "{} is missing ({what}); ./scripts/test provides it", path.display());
}

#[tokio::test(flavor = "multi_thread")]
async fn the_web_map_passes_its_browser_tests() {
    let maps = maps_dir();
    require(&maps.join("dist/index.html"), "the built page: npm --prefix maps run build");
    require(&maps.join("node_modules/playwright-core"), "the npm packages: npm --prefix maps ci");
    let chromium = std::env::var("QALA_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    require(Path::new(&chromium), "Debian's chromium package");

    let store = TestStore::new(StoreKind::Gpkg).await;
    let seeded = qala_cli(&store, &["seed", "--count", "3000"]).await;
    assert!(seeded.status.success(), "qala seed: {}", String::from_utf8_lossy(&seeded.stderr));
    let dir = tempfile::tempdir().unwrap();
    let draft = dir.path().join("draft-b.geojson");
    let ring = [[76.930, 43.248], [76.975, 43.248], [76.975, 43.275], [76.930, 43.275], [76.930, 43.248]];
    let file = json!({"type": "FeatureCollection", "features": [{"type": "Feature",
        "properties": {"name_en": "Draft B", "name_ru": "Проект Б", "name_kk": "Б жобасы"},
        "geometry": {"type": "Polygon", "coordinates": [ring]}}]});
    std::fs::write(&draft, file.to_string()).unwrap();
    let imported = qala_cli(
        &store,
        &["areas", "import", &draft.to_string_lossy(), "--kind", "historic_centre", "--label", "Draft B"],
    )
    .await;
    assert!(imported.status.success(), "areas import: {}", String::from_utf8_lossy(&imported.stderr));

    // A planner and a moderator, for the tests of the city's side (a pin's page, the staff view's queue).
    let planner = add_staff(&store, "planner", "planner").await;
    let moderator = add_staff(&store, "moderator", "moderator").await;
    let dist = maps.join("dist");
    let server = Server::start_with(&store, ServeOptions { web_dir: Some(dist.clone()), ..Default::default() }).await;

    // Two more instances for the basemap tests, each on its own empty store: one configured with a style it
    // serves itself beside a copy of the page (a relative URL) and with a geocoder (the stand-in Nominatim),
    // one with a basemap nobody answers.
    let nominatim = Nominatim::start().await;
    let site = tempfile::tempdir().unwrap();
    copy_dir(&maps.join("dist"), site.path());
    std::fs::create_dir_all(site.path().join("basemap-test")).unwrap();
    let style = json!({"version": 8, "sources": {},
        "layers": [{"id": "test-background", "type": "background", "paint": {"background-color": "#123456"}}]});
    std::fs::write(site.path().join("basemap-test/style.json"), style.to_string()).unwrap();
    let configured_store = TestStore::new(StoreKind::Gpkg).await;
    let configured = Server::start_with(
        &configured_store,
        ServeOptions {
            web_dir: Some(site.path().to_owned()),
            basemap_style: Some("/basemap-test/style.json".into()),
            geocoder_url: Some(nominatim.base.clone()),
            ..Default::default()
        },
    )
    .await;
    // A port that was just free: nothing listens there, so the browser's connection is refused at once.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let down_store = TestStore::new(StoreKind::Gpkg).await;
    let down = Server::start_with(
        &down_store,
        ServeOptions {
            web_dir: Some(dist),
            basemap_style: Some(format!("http://{closed}/style.json")),
            ..Default::default()
        },
    )
    .await;

    // And one holding every new report for a moderator (`--moderation pre`), for the queue's pending list.
    let pre_store = TestStore::new(StoreKind::Gpkg).await;
    let pre_moderator = add_staff(&pre_store, "moderator", "moderator").await;
    let pre = Server::start_with(
        &pre_store,
        ServeOptions { web_dir: Some(maps.join("dist")), moderation: Some("pre"), ..Default::default() },
    )
    .await;

    let artifacts = Path::new(env!("CARGO_TARGET_TMPDIR")).join("browser-artifacts");
    println!("browser test screenshots: {}", artifacts.display());
    let status = tokio::process::Command::new("node")
        .args(["--test", "--test-concurrency=1", "--test-reporter=spec", "tests/"])
        .current_dir(&maps)
        .env("QALA_URL", &server.base)
        .env("QALA_STAFF_TOKEN", &planner)
        .env("QALA_MODERATOR_TOKEN", &moderator)
        .env("QALA_URL_PREMODERATION", &pre.base)
        .env("QALA_PREMODERATION_TOKEN", &pre_moderator)
        .env("QALA_URL_BASEMAP", &configured.base)
        .env("QALA_URL_BASEMAP_DOWN", &down.base)
        .env("QALA_BASEMAP_DOWN_HOST", closed.to_string())
        .env("QALA_GEOCODER", &nominatim.base)
        .env("QALA_ARTIFACTS", &artifacts)
        .env("QALA_CHROMIUM", &chromium)
        .status()
        .await
        .expect("node (Node.js 20) is needed to run the browser tests");
    assert!(status.success(), "the browser tests failed (their output is above); server log: {}", server.log());
    // The place-search tests found their places through the geocoder, not around it.
    assert!(nominatim.searches() >= 3, "the page asked the geocoder {} times", nominatim.searches());
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}
