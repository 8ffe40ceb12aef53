-- Changes whenever a version is added (count, largest id) or the current versions change (their ids).
-- Areas are only ever written together with a new version, so versions alone are enough to watch.
SELECT concat_ws('/', count(*), max(id), string_agg(id::text, ',' ORDER BY id) FILTER (WHERE current))
FROM area_versions
