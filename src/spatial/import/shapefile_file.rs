//! ESRI Shapefiles: the `.shp` (geometry) and `.dbf` (attributes) through the `shapefile` crate, the CRS
//! from the `.prj` WKT when there is one.
//!
//! Three things are done here rather than left to the crate:
//! - **Text is decoded as UTF-8, whatever the `.dbf` header claims.** GDAL writes UTF-8 (with a `.cpg`
//!   saying so) only when asked (`ogr2ogr -lco ENCODING=UTF-8`); without the crate's optional encoding
//!   features, a header naming a real code page (CP1251…) would fail the whole file. Bytes that are not
//!   UTF-8 come out as U+FFFD and the validation refuses such names with a hint, rather than storing mojibake.
//! - **Rings are checked before geo sees them** (closed, at least 4 points, finite), since
//!   `geo::Polygon::new` would close an open ring silently.
//! - **Holes go to the outer ring that contains them.** The crate's conversion hangs each hole on the outer
//!   ring written just before it and fails on a hole written first; the format itself tells holes by their
//!   winding only (outer clockwise, holes counter-clockwise), in any order. A "hole" inside no outer ring
//!   was wound the wrong way by its writer and is taken as an outer ring, as GDAL does.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};

use geo::{Area, Contains, Coord, LineString, MultiPolygon, Polygon};
use shapefile::dbase::{self, FieldValue};
use shapefile::{PolygonRing, Shape};

use super::{ImportError, RawFeature, RawFile};

pub(super) fn read(path: &Path) -> Result<RawFile, ImportError> {
    let unreadable = |reason: String| ImportError::Unreadable { path: path.display().to_string(), reason };
    let shapes = shapefile::ShapeReader::from_path(path).map_err(|e| unreadable(e.to_string()))?;
    let dbf_path = sibling(path, "dbf").ok_or_else(|| {
        unreadable("its attribute table (the .dbf next to it) is missing; copy the .shp, .dbf and .prj together".into())
    })?;
    let dbf = File::open(&dbf_path).map_err(|e| unreadable(format!("{}: {e}", dbf_path.display())))?;
    let records = dbase::ReaderBuilder::new()
        .with_encoding(dbase::encoding::UnicodeLossy)
        .build(BufReader::new(dbf))
        .map_err(|e| unreadable(format!("{}: {e}", dbf_path.display())))?;
    let crs = match sibling(path, "prj") {
        Some(prj) => std::fs::read_to_string(&prj).map_err(|e| unreadable(format!("{}: {e}", prj.display())))?,
        None => String::new(),
    };
    let mut reader = shapefile::Reader::new(shapes, records);
    let mut features = Vec::new();
    for (i, item) in reader.iter_shapes_and_records().enumerate() {
        let (shape, record) = item.map_err(|e| unreadable(format!("record {i}: {e}")))?;
        let properties: BTreeMap<String, String> =
            record.into_iter().filter_map(|(name, value)| text(value).map(|v| (name, v))).collect();
        features.push(RawFeature { properties, geometry: polygons(&shape) });
    }
    let crs = crs.trim();
    Ok(RawFile { crs: (!crs.is_empty()).then(|| crs.to_owned()), features })
}

/// The file next to `path` with extension `ext`, in lower or upper case (`.DBF` from old Windows tools).
fn sibling(path: &Path, ext: &str) -> Option<PathBuf> {
    [path.with_extension(ext), path.with_extension(ext.to_ascii_uppercase())].into_iter().find(|p| p.is_file())
}

fn polygons(shape: &Shape) -> Result<MultiPolygon<f64>, String> {
    let rings = match shape {
        Shape::Polygon(p) => rings(p.rings(), |p| Coord { x: p.x, y: p.y }),
        Shape::PolygonM(p) => rings(p.rings(), |p| Coord { x: p.x, y: p.y }),
        Shape::PolygonZ(p) => rings(p.rings(), |p| Coord { x: p.x, y: p.y }),
        Shape::NullShape => return Err("has no geometry".into()),
        other => return Err(format!("is a {}, not a Polygon", other.shapetype())),
    }?;
    if rings.is_empty() {
        return Err("the geometry is empty".into());
    }
    let (outers, holes): (Vec<_>, Vec<_>) = rings.into_iter().partition(|(outer, _)| *outer);
    let mut polygons: Vec<Polygon<f64>> = outers.into_iter().map(|(_, r)| Polygon::new(r, vec![])).collect();
    for (_, hole) in holes {
        let owner = polygons
            .iter()
            .enumerate()
            .filter(|(_, p)| hole.0.iter().any(|c| p.contains(c)))
            .min_by(|(_, a), (_, b)| a.unsigned_area().total_cmp(&b.unsigned_area()))
            .map(|(i, _)| i);
        match owner.and_then(|i| polygons.get_mut(i)) {
            Some(p) => p.interiors_push(hole),
            None => polygons.push(Polygon::new(hole, vec![])),
        }
    }
    Ok(MultiPolygon(polygons))
}

/// The parts of a shape as (is outer, ring), each checked; `part N` is its position in the record.
fn rings<P>(parts: &[PolygonRing<P>], xy: impl Fn(&P) -> Coord<f64>) -> Result<Vec<(bool, LineString<f64>)>, String> {
    parts
        .iter()
        .enumerate()
        .map(|(i, part)| {
            let coords: Vec<Coord<f64>> = part.points().iter().map(&xy).collect();
            super::check_ring(&coords, &format!("part {i}"))?;
            Ok((matches!(part, PolygonRing::Outer(_)), LineString(coords)))
        })
        .collect()
}

fn text(value: FieldValue) -> Option<String> {
    match value {
        FieldValue::Character(s) => s,
        FieldValue::Memo(s) => Some(s),
        FieldValue::Numeric(n) => n.map(|n| n.to_string()),
        FieldValue::Float(n) => n.map(|n| n.to_string()),
        FieldValue::Integer(n) => Some(n.to_string()),
        FieldValue::Double(n) => Some(n.to_string()),
        FieldValue::Logical(b) => b.map(|b| b.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use shapefile::{Point, Polygon as ShpPolygon, Polyline};

    use super::super::{ImportOptions, read_area_file};
    use super::*;

    /// A fresh directory for one test's files.
    fn dir(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("qala-shp-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        assert!(std::fs::create_dir_all(&d).is_ok(), "{}", d.display());
        d
    }

    /// Writes `path` (.shp, .shx, .dbf in UTF-8) with one `name` attribute per shape.
    fn write<S: shapefile::record::EsriShape>(path: &Path, shapes: &[(S, &str)]) {
        let Ok(field) = "name".try_into() else { unreachable!() };
        let table = dbase::TableWriterBuilder::with_encoding(dbase::encoding::Unicode).add_character_field(field, 60);
        let Ok(mut writer) = shapefile::Writer::from_path(path, table) else { unreachable!("{}", path.display()) };
        for (shape, name) in shapes {
            let mut record = dbase::Record::default();
            record.insert("name".into(), FieldValue::Character(Some((*name).to_owned())));
            assert!(writer.write_shape_and_record(shape, &record).is_ok());
        }
    }

    /// A ring as written, unclosed and unreordered (`Polygon::with_rings` would fix both).
    fn raw(parts: Vec<Vec<(f64, f64)>>) -> ShpPolygon {
        ShpPolygon::from(Polyline::with_parts(
            parts.into_iter().map(|p| p.into_iter().map(|(x, y)| Point::new(x, y)).collect()).collect(),
        ))
    }

    /// A square of side `d` at (x, y), clockwise (a Shapefile's outer ring) or counter-clockwise (a hole).
    fn square(x: f64, y: f64, d: f64, clockwise: bool) -> Vec<(f64, f64)> {
        let mut r = vec![(x, y), (x + d, y), (x + d, y + d), (x, y + d), (x, y)];
        if clockwise {
            r.reverse();
        }
        r
    }

    fn read_all(path: &Path) -> Result<super::super::ImportedFile, String> {
        read_area_file(path, &ImportOptions::default(), &mut |_, _| {}).map_err(|e| e.to_string())
    }

    #[test]
    fn names_holes_and_the_prj_come_through() {
        let d = dir("good");
        let shp = d.join("districts.shp");
        // Two outer rings, then a hole of the first: the crate alone would hang it on the second.
        let shape =
            raw(vec![square(76.9, 43.2, 0.1, true), square(77.1, 43.2, 0.1, true), square(76.92, 43.22, 0.02, false)]);
        write(&shp, &[(shape, "Алмалы ауданы"), (raw(vec![square(76.9, 43.4, 0.1, true)]), "Medeu District")]);
        assert!(std::fs::write(d.join("districts.cpg"), "UTF-8").is_ok());
        assert!(std::fs::write(d.join("districts.prj"), "GEOGCS[\"GCS_WGS_1984\",DATUM[\"D_WGS_1984\",SPHEROID[\"WGS_1984\",6378137.0,298.257223563]],PRIMEM[\"Greenwich\",0.0],UNIT[\"Degree\",0.0174532925199433]]\n").is_ok());
        let file = read_all(&shp);
        let names: Vec<String> = file.iter().flat_map(|f| f.areas.iter().map(|a| a.name.clone())).collect();
        assert_eq!(names, ["Алмалы ауданы", "Medeu District"], "{file:?}");
        let first = file.as_ref().map(|f| f.areas[0].geometry.clone()).unwrap_or(MultiPolygon(vec![]));
        assert_eq!(first.0.iter().map(|p| p.interiors().len()).collect::<Vec<_>>(), [1, 0], "the hole is in the first");
        assert!(file.is_ok_and(|f| f.source_crs.starts_with("GEOGCS[\"GCS_WGS_1984\"")));
        let _ = std::fs::remove_dir_all(d);
    }

    #[test]
    fn bad_shapes_are_named() {
        let d = dir("bad");
        let at = |name: &str| d.join(format!("{name}.shp"));
        write(&at("points"), &[(Point::new(76.9, 43.2), "A point")]);
        write(&at("open"), &[(raw(vec![vec![(76.9, 43.2), (76.9, 43.3), (77.0, 43.3), (77.0, 43.2)]]), "Open")]);
        write(&at("short"), &[(raw(vec![vec![(76.9, 43.2), (76.9, 43.3), (76.9, 43.2)]]), "Short")]);
        write(&at("nan"), &[(raw(vec![vec![(76.9, 43.2), (76.9, f64::NAN), (77.0, 43.3), (76.9, 43.2)]]), "NaN")]);
        write::<ShpPolygon>(&at("empty"), &[]);
        for (name, want) in [
            ("points", "feature 1 of 1 (\"A point\"): is a Point, not a Polygon"),
            ("open", "feature 1 of 1 (\"Open\"): part 0 is not closed"),
            ("short", "part 0 has 3 positions; a ring needs at least 4"),
            ("nan", "part 0 position 1 is not a finite number"),
            ("empty", "the file holds no features"),
        ] {
            let e = read_all(&at(name)).err().unwrap_or_default();
            assert!(e.contains(want), "{name}: {e}");
        }
        // Without its .dbf the Shapefile is refused, naming the file.
        assert!(std::fs::remove_file(d.join("open.dbf")).is_ok());
        let e = read_all(&d.join("open.shp")).err().unwrap_or_default();
        assert!(e.starts_with(&format!("cannot read {}", d.join("open.shp").display())) && e.contains(".dbf"), "{e}");
        let _ = std::fs::remove_dir_all(d);
    }

    #[test]
    fn names_in_a_legacy_code_page_are_refused_not_garbled() {
        let d = dir("cp1251");
        let shp = d.join("cp1251.shp");
        write(&shp, &[(raw(vec![square(76.9, 43.2, 0.1, true)]), "XXXXXX")]);
        // "Алатау" in CP1251, where GDAL or ArcGIS in a Russian locale would have written it, with its .cpg.
        let dbf = d.join("cp1251.dbf");
        let bytes = std::fs::read(&dbf).unwrap_or_default();
        let at = bytes.windows(6).position(|w| w == b"XXXXXX").unwrap_or_default();
        let mut patched = bytes.clone();
        patched[at..at + 6].copy_from_slice(&[0xC0, 0xEB, 0xE0, 0xF2, 0xE0, 0xF3]);
        patched[29] = 0xC9; // the header's code page mark: CP1251
        assert!(std::fs::write(&dbf, patched).is_ok() && std::fs::write(d.join("cp1251.cpg"), "1251").is_ok());
        let e = read_all(&shp).err().unwrap_or_default();
        assert!(e.starts_with("feature 1 of 1 (\"\u{FFFD}") && e.contains("export the file again in UTF-8"), "{e}");
        let _ = std::fs::remove_dir_all(d);
    }
}
