//! A zipped ESRI Shapefile: how GIS desktops and portals hand a Shapefile over as one file (`.shp`, `.shx`,
//! `.dbf`, `.prj`, `.cpg` together), and the only form a browser can upload in one part.
//!
//! The archive comes from a stranger (`POST /api/v1/areas/imports`), so unpacking trusts nothing in it: only
//! the Shapefile's own parts are written, each by its bare file name into a directory of our own (a name like
//! `../../etc/passwd` or `/abs` is refused by `enclosed_name`, and folders are flattened), a bounded number of
//! entries, and a bounded total of bytes actually inflated (a zip bomb declares small sizes and inflates to
//! gigabytes; what counts is what comes out). It must hold exactly one `.shp`.

use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use super::ImportError;

/// The most bytes the parts of one zipped Shapefile may inflate to. Almaty's districts are 1 MB as a
/// Shapefile; a detailed historic-centre draft a few MB.
pub const MAX_UNZIPPED_BYTES: u64 = 200 * 1024 * 1024;
/// The most entries an archive may list (a Shapefile has 3 to 8 parts; readme files and `__MACOSX` folders
/// come along).
const MAX_ENTRIES: usize = 1000;
/// The Shapefile parts kept; everything else in the archive is ignored.
const PARTS: [&str; 5] = ["shp", "shx", "dbf", "prj", "cpg"];

/// Unpacks the Shapefile in `archive` into the directory `into` and returns the path of its `.shp`.
///
/// # Errors
/// Not a readable zip, no or several `.shp`, too many entries, or more than [`MAX_UNZIPPED_BYTES`].
pub fn unzip_shapefile(archive: &Path, into: &Path) -> Result<PathBuf, ImportError> {
    unzip_up_to(archive, into, MAX_UNZIPPED_BYTES)
}

fn unzip_up_to(archive: &Path, into: &Path, limit: u64) -> Result<PathBuf, ImportError> {
    let refuse = |reason: String| ImportError::Unsupported { path: archive.display().to_string(), reason };
    let file = File::open(archive)
        .map_err(|e| ImportError::Unreadable { path: archive.display().to_string(), reason: e.to_string() })?;
    let mut zip = zip::ZipArchive::new(file).map_err(|e| refuse(format!("not a readable zip archive ({e})")))?;
    if zip.len() > MAX_ENTRIES {
        return Err(refuse(format!("the archive lists {} entries; at most {MAX_ENTRIES} are read", zip.len())));
    }
    let mut budget = limit;
    let mut shp: Vec<PathBuf> = Vec::new();
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).map_err(|e| refuse(format!("entry {} is unreadable ({e})", i + 1)))?;
        let Some(name) = part_name(&entry) else { continue };
        let extension = name.rsplit('.').next().unwrap_or_default().to_ascii_lowercase();
        let target = into.join(&name);
        if target.exists() {
            return Err(refuse(format!("the archive holds {name:?} twice; zip one Shapefile")));
        }
        let mut out = File::create(&target)
            .map_err(|e| ImportError::Unreadable { path: target.display().to_string(), reason: e.to_string() })?;
        let written = io::copy(&mut (&mut entry).take(budget + 1), &mut out)
            .map_err(|e| refuse(format!("{name:?} does not inflate ({e})")))?;
        if written > budget {
            return Err(refuse(format!("the Shapefile inflates to more than {} MB", limit >> 20)));
        }
        budget -= written;
        if extension == "shp" {
            shp.push(target);
        }
    }
    match shp.len() {
        1 => Ok(shp.remove(0)),
        0 => Err(refuse("the archive holds no .shp file; zip the .shp with its .shx, .dbf and .prj".into())),
        n => Err(refuse(format!("the archive holds {n} .shp files; upload one Shapefile at a time"))),
    }
}

/// The bare file name to unpack `entry` under, or `None` for what is not a Shapefile part (folders, other
/// files, macOS resource forks) or whose name would leave the directory.
fn part_name(entry: &zip::read::ZipFile<'_, File>) -> Option<String> {
    if entry.is_dir() {
        return None;
    }
    let path = entry.enclosed_name()?;
    if path.components().any(|c| c.as_os_str() == "__MACOSX") {
        return None;
    }
    let name = path.file_name()?.to_str()?.to_owned();
    let extension = name.rsplit_once('.')?.1.to_ascii_lowercase();
    (!name.starts_with("._") && PARTS.contains(&extension.as_str())).then_some(name)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use std::io::Write;

    use zip::write::SimpleFileOptions;

    use super::*;

    fn archive(dir: &Path, entries: &[(&str, &[u8])]) -> PathBuf {
        let path = dir.join("upload.zip");
        let mut zip = zip::ZipWriter::new(File::create(&path).unwrap());
        for (name, bytes) in entries {
            zip.start_file(*name, SimpleFileOptions::default()).unwrap();
            zip.write_all(bytes).unwrap();
        }
        zip.finish().unwrap();
        path
    }

    fn unpack(entries: &[(&str, &[u8])]) -> (tempfile::TempDir, Result<PathBuf, ImportError>) {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        std::fs::create_dir(&out).unwrap();
        let zip = archive(dir.path(), entries);
        let result = unzip_shapefile(&zip, &out);
        (dir, result)
    }

    #[test]
    fn keeps_the_parts_flattened_and_ignores_the_rest() {
        let (dir, shp) = unpack(&[
            ("export/centre.shp", b"s"),
            ("export/centre.dbf", b"d"),
            ("export/centre.prj", b"p"),
            ("readme.txt", b"r"),
            ("__MACOSX/export/._centre.shp", b"x"),
        ]);
        let shp = shp.unwrap();
        assert_eq!(shp, dir.path().join("out/centre.shp"));
        let mut names: Vec<String> = std::fs::read_dir(dir.path().join("out"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(names, ["centre.dbf", "centre.prj", "centre.shp"]);
    }

    #[test]
    fn names_that_climb_out_are_never_written() {
        let (dir, result) = unpack(&[("../../escaped.shp", b"s"), ("/abs/escaped.shx", b"x")]);
        assert!(result.unwrap_err().to_string().contains("no .shp"));
        assert!(!dir.path().join("escaped.shp").exists());
        assert!(std::fs::read_dir(dir.path().join("out")).unwrap().next().is_none());
    }

    #[test]
    fn one_shapefile_exactly() {
        let (_dir, none) = unpack(&[("a.dbf", b"d")]);
        assert!(none.unwrap_err().to_string().contains("no .shp"));
        let (_dir, two) = unpack(&[("a.shp", b"s"), ("b.shp", b"s")]);
        assert!(two.unwrap_err().to_string().contains("2 .shp files"));
        let (_dir, not_zip) = {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("upload.zip");
            std::fs::write(&path, b"not a zip").unwrap();
            let result = unzip_shapefile(&path, dir.path());
            (dir, result)
        };
        assert!(not_zip.unwrap_err().to_string().contains("not a readable zip"));
    }

    #[test]
    fn a_zip_bomb_stops_at_the_budget() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bomb.zip");
        let mut zip = zip::ZipWriter::new(File::create(&path).unwrap());
        zip.start_file("bomb.shp", SimpleFileOptions::default()).unwrap();
        zip.write_all(&vec![0u8; 3 << 20]).unwrap();
        zip.finish().unwrap();
        assert!(std::fs::metadata(&path).unwrap().len() < 100 << 10, "small on disk, large inflated");
        let out = dir.path().join("out");
        std::fs::create_dir(&out).unwrap();
        let err = unzip_up_to(&path, &out, 2 << 20).unwrap_err().to_string();
        assert!(err.contains("inflates to more than 2 MB"), "{err}");
        assert!(std::fs::metadata(out.join("bomb.shp")).unwrap().len() <= (2 << 20) + 1);
    }
}
