-- Runs after lock_area_versions.sql, in the same transaction, so the number it returns is still free when
-- the version is inserted.
SELECT COALESCE(MAX(number), 0) + 1 AS number, bool_or(current) IS TRUE AS has_current
FROM area_versions
WHERE kind = $1
