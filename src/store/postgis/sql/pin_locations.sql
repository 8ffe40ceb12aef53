SELECT id, ST_X(geom) AS lon, ST_Y(geom) AS lat, category, status, created_at, location_precision, visibility
FROM pins
