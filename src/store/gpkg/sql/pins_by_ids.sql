-- The ids are one bound JSON array, so the statement text is the same for any number of ids (no list of
-- placeholders built in code); the caller puts the rows back in the order asked for.
SELECT fid, geom, category, status, description, created_at, updated_at, location_precision, duplicate_of, visibility
FROM pins WHERE fid IN (SELECT value FROM json_each(?))
