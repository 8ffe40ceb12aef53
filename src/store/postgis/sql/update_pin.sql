-- Applies only if the pin is still as the staff member read it ($2, its ETag's time): a stale update
-- changes no row. A status change sets duplicate_of ($4: the original for `duplicate`, NULL otherwise); a
-- moderation sets visibility ($6) and, redacting, the description ($7).
UPDATE pins
SET status = COALESCE($3::text, status),
    duplicate_of = CASE WHEN $3::text IS NULL THEN duplicate_of ELSE $4::bigint END,
    visibility = COALESCE($6::text, visibility),
    description = COALESCE($7::text, description),
    updated_at = $5
WHERE id = $1 AND updated_at = $2
RETURNING id, ST_X(geom) AS lon, ST_Y(geom) AS lat, category, status, description, created_at, updated_at,
          location_precision, duplicate_of, visibility
