SELECT a.id, ST_AsBinary(a.geom) AS wkb, a.name_kk, a.name_ru, a.name_en, a.label, a.area_km2,
       v.id AS version_id, v.kind, v.number, v.label AS version_label, v.source_file, v.created_at, v.current
FROM areas a
JOIN area_versions v ON v.id = a.version_id
ORDER BY a.id
