//! Reprojection: Almaty's districts exported by GDAL's ogr2ogr to EPSG:3857 and EPSG:32643 (GeoJSON) and as
//! an ESRI Shapefile read back to the same polygons within 1 cm, with the same names (Kazakh and Russian
//! included) in the same order.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

use geo::{HausdorffDistance, MultiPolygon};
use qala::spatial::import::{ImportOptions, ImportedFile, read_area_file};

const DISTRICTS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/data/almaty_districts.geojson");
/// 1 cm in degrees of latitude (a degree of longitude is shorter here, so this is the stricter bound).
const ONE_CM_DEG: f64 = 0.01 / 111_000.0;

fn ogr2ogr(args: &[&str]) {
    let status = std::process::Command::new("ogr2ogr")
        .args(args)
        .status()
        .expect("ogr2ogr (Debian gdal-bin) is needed; ./scripts/test installs it");
    assert!(status.success(), "ogr2ogr {args:?}");
}

fn read(path: &Path, options: &ImportOptions) -> ImportedFile {
    read_area_file(path, options, &mut |_, _| {}).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn dir(name: &str) -> PathBuf {
    let d = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("area-files-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn within_1cm(a: &MultiPolygon<f64>, b: &MultiPolygon<f64>) -> f64 {
    a.hausdorff_distance(b)
}

#[test]
fn districts_in_3857_32643_and_shapefile_read_back_within_1_cm() {
    let original = read(Path::new(DISTRICTS), &ImportOptions::default());
    assert_eq!(original.areas.len(), 8);
    let d = dir("reproject");
    let web = d.join("districts-3857.geojson");
    let utm = d.join("districts-32643.geojson");
    let shp = d.join("districts-32643.shp");
    ogr2ogr(&["-f", "GeoJSON", "-t_srs", "EPSG:3857", web.to_str().unwrap(), DISTRICTS]);
    ogr2ogr(&["-f", "GeoJSON", "-t_srs", "EPSG:32643", utm.to_str().unwrap(), DISTRICTS]);
    ogr2ogr(&[
        "-f",
        "ESRI Shapefile",
        "-t_srs",
        "EPSG:32643",
        "-lco",
        "ENCODING=UTF-8",
        shp.to_str().unwrap(),
        DISTRICTS,
    ]);
    for path in [&web, &utm, &shp] {
        let file = read(path, &ImportOptions::default());
        assert_ne!(file.source_crs, "EPSG:4326", "{}: the CRS came from the file", path.display());
        assert_eq!(file.areas.len(), 8, "{}", path.display());
        for (a, b) in original.areas.iter().zip(&file.areas) {
            assert_eq!(
                (&a.name_en, &a.name_ru, &a.name_kk),
                (&b.name_en, &b.name_ru, &b.name_kk),
                "{}",
                path.display()
            );
            let h = within_1cm(&a.geometry, &b.geometry);
            assert!(h < ONE_CM_DEG, "{} {:?}: Hausdorff distance {h}° (> 1 cm)", path.display(), a.name_en);
        }
    }
    // The check itself can fail: a shift of 2 cm is seen.
    let shifted =
        geo::MapCoords::map_coords(&original.areas[0].geometry, |c| geo::Coord { x: c.x, y: c.y + 2.0 * ONE_CM_DEG });
    assert!(within_1cm(&original.areas[0].geometry, &shifted) > ONE_CM_DEG);
}

#[test]
fn a_projected_file_read_as_degrees_and_an_unknown_crs_are_refused() {
    let d = dir("refuse");
    let web = d.join("districts-3857.geojson");
    ogr2ogr(&["-f", "GeoJSON", "-t_srs", "EPSG:3857", web.to_str().unwrap(), DISTRICTS]);
    let forced = ImportOptions { crs: Some("EPSG:4326".into()), ..Default::default() };
    let e = read_area_file(&web, &forced, &mut |_, _| {}).err().map(|e| e.to_string()).unwrap_or_default();
    assert!(e.contains("feature 1 of 8") && e.contains("outside the Almaty region"), "{e}");
    let unknown = ImportOptions { crs: Some("EPSG:999999".into()), ..Default::default() };
    let e = read_area_file(&web, &unknown, &mut |_, _| {}).err().map(|e| e.to_string()).unwrap_or_default();
    assert!(e.contains("EPSG:999999"), "{e}");
    let e = read_area_file(&d.join("missing.shp"), &ImportOptions::default(), &mut |_, _| {}).err();
    assert!(e.is_some());
    let e = read_area_file(&d.join("notes.txt"), &ImportOptions::default(), &mut |_, _| {}).err();
    assert!(e.is_some_and(|e| e.to_string().contains("not a GeoJSON")));
}
