-- A copied area keeps its id; geometry arrives as WKB, so it is stored bit for bit.
INSERT INTO areas (id, version_id, name_kk, name_ru, name_en, label, area_km2, geom)
VALUES ($1, $2, $3, $4, $5, $6, $7, ST_Multi(ST_GeomFromWKB($8, 4326)))
