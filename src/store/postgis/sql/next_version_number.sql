SELECT COALESCE(MAX(number), 0) + 1 AS number, bool_or(current) IS TRUE AS has_current
FROM area_versions
WHERE kind = $1
