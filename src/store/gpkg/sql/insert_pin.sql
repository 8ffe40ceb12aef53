-- geom is a GeoPackage geometry blob made in Rust (plain SQLite has no spatial functions); times are
-- ISO 8601 UTC text, the GeoPackage DATETIME form.
INSERT INTO pins (geom, category, status, description, created_at, updated_at, location_precision, visibility)
VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING fid
