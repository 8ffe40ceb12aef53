//! GDAL's command-line tools as the independent reader and writer of GIS files: what qala writes must open
//! in GDAL, and what GDAL writes must import into qala.
//!
//! Debian's `gdal-bin` is required (./scripts/test installs it); without it these tests fail, never skip.

/// Runs a GDAL tool (Debian's gdal-bin, installed by ./scripts/test) and returns its standard output; fails
/// the test, with GDAL's message, when the tool does.
pub fn gdal(tool: &str, args: &[&str]) -> String {
    let out = std::process::Command::new(tool)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{tool} (Debian gdal-bin) is needed; ./scripts/test installs it: {e}"));
    assert!(out.status.success(), "{tool} {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}
