INSERT INTO areas (version_id, name_kk, name_ru, name_en, label, area_km2, geom)
VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING fid
