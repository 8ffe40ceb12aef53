SELECT concat_ws('/', count(*), max(id), string_agg(id::text, ',' ORDER BY id) FILTER (WHERE current))
FROM area_versions
