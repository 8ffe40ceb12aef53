-- Versions are read apart (area_versions.sql) and matched in Rust, so each version row is decoded once, not
-- once per area.
SELECT fid, geom, name_kk, name_ru, name_en, label, area_km2, version_id FROM areas ORDER BY fid
