INSERT INTO areas (version_id, name_kk, name_ru, name_en, label, area_km2, geom)
VALUES ($1, $2, $3, $4, $5, $6, ST_Multi(ST_GeomFromWKB($7, 4326)))
RETURNING id
