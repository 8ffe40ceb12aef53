-- current is 0 or 1, so MAX(current) = 1 says whether the kind already has a current version. No table lock
-- as in PostGIS: the store writes through one connection, and SQLite lets one transaction write at a time;
-- UNIQUE (kind, number) stands behind it.
SELECT COALESCE(MAX(number), 0) + 1, COALESCE(MAX(current), 0) = 1 FROM area_versions WHERE kind = ?
