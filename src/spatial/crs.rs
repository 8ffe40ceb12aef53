//! The coordinate reference systems qala answers in (OGC API – Features Part 2, "CRS by reference"), and
//! the conversions between them and the stored WGS 84 longitude/latitude, through PROJ.
//!
//! Pins are stored in EPSG:4326 as (lon, lat). A client may ask for:
//! - CRS84: (lon, lat), the default, what GeoJSON means;
//! - EPSG:4326: the same datum in its authority's axis order, (lat, lon): a swap, no PROJ;
//! - EPSG:3857 (web Mercator) and EPSG:32643 (UTM 43N, Almaty's zone): metres, through PROJ.
//!
//! `proj::Proj` is not `Send` and costs a database lookup to build, so each thread keeps one per CRS
//! (thread-local) and a conversion never crosses an `.await`.

use std::cell::RefCell;
use std::fmt;

const OGC_CRS84: &str = "http://www.opengis.net/def/crs/OGC/1.3/CRS84";

/// A CRS a client may name in `crs` or `bbox-crs`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Crs {
    #[default]
    Crs84,
    Epsg4326,
    Epsg3857,
    Epsg32643,
}

impl Crs {
    pub const ALL: [Crs; 4] = [Crs::Crs84, Crs::Epsg4326, Crs::Epsg3857, Crs::Epsg32643];

    /// The CRS's URI, as OGC API – Features names it (and as `Content-Crs` carries it).
    pub fn uri(self) -> &'static str {
        match self {
            Crs::Crs84 => OGC_CRS84,
            Crs::Epsg4326 => "http://www.opengis.net/def/crs/EPSG/0/4326",
            Crs::Epsg3857 => "http://www.opengis.net/def/crs/EPSG/0/3857",
            Crs::Epsg32643 => "http://www.opengis.net/def/crs/EPSG/0/32643",
        }
    }

    /// The EPSG code a file format stores (CRS84 and EPSG:4326 are the same datum; files put lon first).
    pub fn epsg(self) -> u32 {
        match self {
            Crs::Crs84 | Crs::Epsg4326 => 4326,
            Crs::Epsg3857 => 3857,
            Crs::Epsg32643 => 32643,
        }
    }

    /// Parses a URI (`http://www.opengis.net/def/crs/EPSG/0/3857`), a URN or a short form (`EPSG:3857`).
    ///
    /// # Errors
    /// The list of supported CRSs, when `raw` names none of them.
    pub fn parse(raw: &str) -> Result<Crs, String> {
        let c = raw.trim().trim_start_matches('[').trim_end_matches(']').to_ascii_uppercase();
        let c = c.trim_start_matches("HTTPS://").trim_start_matches("HTTP://");
        let found = match c {
            "WWW.OPENGIS.NET/DEF/CRS/OGC/1.3/CRS84" | "CRS84" | "OGC:CRS84" | "URN:OGC:DEF:CRS:OGC:1.3:CRS84" => {
                Some(Crs::Crs84)
            }
            _ => ["4326", "3857", "32643"].into_iter().find_map(|code| {
                let forms = [
                    format!("WWW.OPENGIS.NET/DEF/CRS/EPSG/0/{code}"),
                    format!("EPSG:{code}"),
                    format!("URN:OGC:DEF:CRS:EPSG::{code}"),
                ];
                forms.iter().any(|f| f == c).then_some(match code {
                    "4326" => Crs::Epsg4326,
                    "3857" => Crs::Epsg3857,
                    _ => Crs::Epsg32643,
                })
            }),
        };
        found.ok_or_else(|| format!("{raw:?} is not a supported CRS; use one of {}", Crs::ALL.map(Crs::uri).join(", ")))
    }

    /// The PROJ name of a projected CRS; `None` for the two lon/lat ones, which need no PROJ.
    fn proj_name(self) -> Option<&'static str> {
        match self {
            Crs::Crs84 | Crs::Epsg4326 => None,
            Crs::Epsg3857 => Some("EPSG:3857"),
            Crs::Epsg32643 => Some("EPSG:32643"),
        }
    }

    /// Converts stored (lon, lat) to this CRS, in its axis order.
    ///
    /// # Errors
    /// PROJ's reason when it cannot convert the point.
    pub fn from_lon_lat(self, lon: f64, lat: f64) -> Result<(f64, f64), String> {
        match self {
            Crs::Crs84 => Ok((lon, lat)),
            Crs::Epsg4326 => Ok((lat, lon)),
            _ => with_proj(self, Direction::FromLonLat, (lon, lat)),
        }
    }

    /// Converts a coordinate given in this CRS (in its axis order) to (lon, lat).
    ///
    /// # Errors
    /// PROJ's reason when it cannot convert the point.
    pub fn to_lon_lat(self, x: f64, y: f64) -> Result<(f64, f64), String> {
        match self {
            Crs::Crs84 => Ok((x, y)),
            Crs::Epsg4326 => Ok((y, x)),
            _ => with_proj(self, Direction::ToLonLat, (x, y)),
        }
    }
}

impl fmt::Display for Crs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.uri())
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Direction {
    FromLonLat,
    ToLonLat,
}

thread_local! {
    /// One PROJ transformation per (CRS, direction) per thread; built on first use.
    static PROJS: RefCell<Vec<((Crs, Direction), proj::Proj)>> = const { RefCell::new(Vec::new()) };
}

fn with_proj(crs: Crs, direction: Direction, (x, y): (f64, f64)) -> Result<(f64, f64), String> {
    let name = crs.proj_name().ok_or_else(|| format!("{crs} needs no PROJ"))?;
    PROJS.with(|cell| {
        let mut projs = cell.borrow_mut();
        let key = (crs, direction);
        let slot = match projs.iter().position(|(k, _)| *k == key) {
            Some(i) => i,
            None => {
                let (from, to) = match direction {
                    Direction::FromLonLat => ("EPSG:4326", name),
                    Direction::ToLonLat => (name, "EPSG:4326"),
                };
                // `new_known_crs` normalises axis order: lon/lat and easting/northing on both sides.
                let p = proj::Proj::new_known_crs(from, to, None).map_err(|e| format!("PROJ {from} → {to}: {e}"))?;
                projs.push((key, p));
                projs.len() - 1
            }
        };
        let (_, p) = &projs[slot];
        let out = p.convert((x, y)).map_err(|e| format!("cannot convert ({x}, {y}) with {crs}: {e}"))?;
        if out.0.is_finite() && out.1.is_finite() {
            Ok(out)
        } else {
            Err(format!("({x}, {y}) has no finite image in {crs}"))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_spellings_of_each_crs() {
        assert_eq!(Crs::parse("http://www.opengis.net/def/crs/OGC/1.3/CRS84"), Ok(Crs::Crs84));
        assert_eq!(Crs::parse("[EPSG:4326]"), Ok(Crs::Epsg4326));
        assert_eq!(Crs::parse("urn:ogc:def:crs:EPSG::3857"), Ok(Crs::Epsg3857));
        assert_eq!(Crs::parse("http://www.opengis.net/def/crs/EPSG/0/32643"), Ok(Crs::Epsg32643));
        for bad in ["", "EPSG:2154", "http://www.opengis.net/def/crs/EPSG/0/43260", "4326"] {
            assert!(Crs::parse(bad).is_err(), "{bad}");
        }
    }

    /// The check values of the team's style notes (PROJ's own answers for Almaty's centre).
    #[test]
    fn converts_both_ways() {
        let (lon, lat) = (76.9458, 43.2380);
        let utm = Crs::Epsg32643.from_lon_lat(lon, lat).unwrap_or_default();
        assert!((utm.0 - 657_987.359).abs() < 1e-3 && (utm.1 - 4_789_082.923).abs() < 1e-3, "{utm:?}");
        let merc = Crs::Epsg3857.from_lon_lat(lon, lat).unwrap_or_default();
        assert!((merc.0 - 8_565_567.275).abs() < 1e-3 && (merc.1 - 5_348_268.322).abs() < 1e-3, "{merc:?}");
        for crs in Crs::ALL {
            let (x, y) = crs.from_lon_lat(lon, lat).unwrap_or_default();
            let back = crs.to_lon_lat(x, y).unwrap_or_default();
            assert!((back.0 - lon).abs() < 1e-9 && (back.1 - lat).abs() < 1e-9, "{crs}: {back:?}");
        }
        assert_eq!(Crs::Epsg4326.from_lon_lat(lon, lat), Ok((lat, lon)));
    }
}
