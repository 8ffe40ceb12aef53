-- The ids are one bound array, so the statement text is the same for any number of ids; the caller puts
-- the rows back in the order asked for.
SELECT id, ST_X(geom) AS lon, ST_Y(geom) AS lat, category, status, description, created_at, updated_at,
       location_precision, duplicate_of, visibility
FROM pins
WHERE id = ANY($1)
