SELECT id, ST_X(geom) AS lon, ST_Y(geom) AS lat, category, status, description, created_at, updated_at
FROM pins
WHERE id = ANY($1)
