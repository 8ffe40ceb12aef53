//! Area files as planners bring them: Almaty's eight districts exported by GDAL's `ogr2ogr` to GeoJSON in
//! EPSG:3857 and EPSG:32643 and to an ESRI Shapefile in EPSG:32643 read back to the same polygons within
//! 1 cm, with the same names (Kazakh and Russian included) in the same order; and the files that must be
//! refused (a projected file forced to EPSG:4326, an unknown CRS, a Shapefile whose names GDAL could not encode).
//!
//! `ogr2ogr` (Debian `gdal-bin`) is required: without it these tests fail, they never skip.

use std::path::{Path, PathBuf};

use geo::{HausdorffDistance, MapCoords, Winding};
use qala::spatial::import::{ImportOptions, ImportedFile, read_area_file};

use crate::support::gdal;

const DISTRICTS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/data/almaty_districts.geojson");
/// 1e-7° is 1.1 cm of latitude, 0.8 cm of longitude at Almaty's latitude.
const ONE_CM_DEG: f64 = 1e-7;

fn read(path: &Path, options: &ImportOptions) -> ImportedFile {
    read_area_file(path, options, &mut |_, _| {}).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn refusal(path: &Path, options: &ImportOptions) -> String {
    match read_area_file(path, options, &mut |_, _| {}) {
        Ok(file) => panic!("{}: accepted {} areas", path.display(), file.areas.len()),
        Err(e) => e.to_string(),
    }
}

fn dir(name: &str) -> PathBuf {
    let d = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("area-files-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn districts_in_3857_32643_and_as_a_shapefile_read_back_within_1_cm() {
    let mut calls = Vec::new();
    let original = read_area_file(Path::new(DISTRICTS), &ImportOptions::default(), &mut |d, t| calls.push((d, t)))
        .unwrap_or_else(|e| panic!("{DISTRICTS}: {e}"));
    assert_eq!(original.source_crs, "EPSG:4326");
    assert_eq!(original.areas.len(), 8);
    assert_eq!(calls.first(), Some(&(0, 8)));
    assert_eq!(calls.last(), Some(&(8, 8)));
    let medeu = &original.areas[4];
    assert_eq!((medeu.index, medeu.name.as_str()), (4, "Medeu District"));
    assert_eq!((medeu.name_ru.as_deref(), medeu.name_kk.as_deref()), (Some("Медеуский район"), Some("Медеу ауданы")));
    assert!(
        original.areas.iter().any(|a| a.name_kk.as_deref().is_some_and(|n| n.contains(['Ә', 'қ', 'ү', 'і']))),
        "Kazakh letters"
    );

    let d = dir("reproject");
    let web = d.join("districts-3857.geojson");
    let utm = d.join("districts-32643.geojson");
    let shp = d.join("districts-32643.shp");
    gdal("ogr2ogr", &["-f", "GeoJSON", "-t_srs", "EPSG:3857", path(&web), DISTRICTS]);
    gdal("ogr2ogr", &["-f", "GeoJSON", "-t_srs", "EPSG:32643", path(&utm), DISTRICTS]);
    // GDAL writes a Shapefile's text in ISO-8859-1 unless told otherwise; UTF-8 comes with a .cpg.
    gdal("ogr2ogr", &["-f", "ESRI Shapefile", "-t_srs", "EPSG:32643", "-lco", "ENCODING=UTF-8", path(&shp), DISTRICTS]);
    assert_eq!(std::fs::read_to_string(d.join("districts-32643.cpg")).unwrap().trim(), "UTF-8");

    for (file_path, crs) in [(&web, "EPSG::3857"), (&utm, "EPSG::32643"), (&shp, "UTM_Zone_43N")] {
        let file = read(file_path, &ImportOptions::default());
        let what = file_path.display();
        assert!(file.source_crs.contains(crs), "{what}: the CRS comes from the file: {}", file.source_crs);
        assert_eq!(file.areas.len(), 8, "{what}");
        let mut worst: f64 = 0.0;
        for (a, b) in original.areas.iter().zip(&file.areas) {
            let names = |x: &qala::spatial::import::ImportedArea| {
                (x.index, x.name.clone(), x.name_en.clone(), x.name_ru.clone(), x.name_kk.clone())
            };
            assert_eq!(names(a), names(b), "{what}");
            // Vertices may be reordered (a Shapefile's rings run clockwise), so compare as point sets.
            let h = a.geometry.hausdorff_distance(&b.geometry);
            assert!(h < ONE_CM_DEG, "{what} {}: Hausdorff distance {h}° (> 1 cm)", a.name);
            assert_eq!(a.geometry.0.len(), b.geometry.0.len(), "{what} {}: parts", a.name);
            assert!(
                b.geometry.0.iter().all(|p| p.exterior().is_ccw()),
                "{what} {}: exterior counter-clockwise",
                a.name
            );
            worst = worst.max(h);
        }
        eprintln!("{what}: largest Hausdorff distance {worst:e}°");
    }
    // The comparison can fail: a shift of 2 cm is seen.
    let a = &original.areas[0].geometry;
    let shifted = a.map_coords(|c| geo::Coord { x: c.x, y: c.y + 2.0 * ONE_CM_DEG });
    assert!(a.hausdorff_distance(&shifted) > ONE_CM_DEG);
}

#[test]
fn a_projected_file_read_as_degrees_and_an_unknown_crs_are_refused() {
    let d = dir("refuse");
    let web = d.join("districts-3857.geojson");
    gdal("ogr2ogr", &["-f", "GeoJSON", "-t_srs", "EPSG:3857", path(&web), DISTRICTS]);
    let forced = ImportOptions { crs: Some("EPSG:4326".into()), ..Default::default() };
    let e = refusal(&web, &forced);
    assert!(e.starts_with("feature 1 of 8 (\"Alatau District\"): read as EPSG:4326 (given with --crs)"), "{e}");
    assert!(e.contains("outside the Almaty region") && e.contains("the CRS is probably wrong"), "{e}");
    let unknown = ImportOptions { crs: Some("EPSG:999999".into()), ..Default::default() };
    assert!(refusal(&web, &unknown).starts_with("unknown or unusable CRS \"EPSG:999999\""));

    let missing = d.join("missing.shp");
    assert!(refusal(&missing, &ImportOptions::default()).starts_with(&format!("cannot read {}", missing.display())));
    let notes = d.join("notes.txt");
    std::fs::write(&notes, "districts").unwrap();
    assert!(refusal(&notes, &ImportOptions::default()).starts_with(&format!("{}: not an area file", notes.display())));
}

#[test]
fn a_shapefile_whose_names_gdal_could_not_encode_is_refused() {
    let d = dir("latin1");
    let shp = d.join("districts.shp");
    // Without -lco ENCODING=UTF-8, GDAL 3.6 writes ISO-8859-1 and every Cyrillic letter becomes '?'.
    gdal("ogr2ogr", &["-f", "ESRI Shapefile", "-t_srs", "EPSG:32643", path(&shp), DISTRICTS]);
    let e = refusal(&shp, &ImportOptions::default());
    assert!(e.starts_with("feature 1 of 8 (\"Alatau District\"): its name_ru \"?"), "{e}");
    assert!(e.contains("ogr2ogr -lco ENCODING=UTF-8"), "{e}");
}
