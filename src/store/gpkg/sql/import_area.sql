-- A copied area keeps its id.
INSERT INTO areas (fid, version_id, name_kk, name_ru, name_en, label, area_km2, geom)
VALUES (?, ?, ?, ?, ?, ?, ?, ?)
