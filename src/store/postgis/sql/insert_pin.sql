INSERT INTO pins (geom, category, description, location_precision, visibility)
VALUES (ST_SetSRID(ST_MakePoint($1, $2), 4326), $3, $4, $5, $6)
RETURNING id, ST_X(geom) AS lon, ST_Y(geom) AS lat, category, status, description, created_at, updated_at,
          location_precision, duplicate_of, visibility
