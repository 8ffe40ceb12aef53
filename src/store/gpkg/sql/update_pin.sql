-- Applies only if the pin is still as the staff member read it (?2, its ETag's time): a stale update
-- changes no row. A status change sets duplicate_of (?4: the original for `duplicate`, NULL otherwise); a
-- moderation sets visibility (?6) and, redacting, the description (?7).
UPDATE pins
SET status = coalesce(?3, status),
    duplicate_of = CASE WHEN ?3 IS NULL THEN duplicate_of ELSE ?4 END,
    visibility = coalesce(?6, visibility),
    description = coalesce(?7, description),
    updated_at = ?5
WHERE fid = ?1 AND updated_at = ?2
RETURNING fid, geom, category, status, description, created_at, updated_at, location_precision, duplicate_of, visibility
