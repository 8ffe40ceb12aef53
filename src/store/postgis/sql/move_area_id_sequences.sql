-- After a version and its areas were inserted with their ids as given (a copy), move both identity sequences
-- past the largest ids (is_called = false: the next id drawn is exactly this value).
SELECT setval(pg_get_serial_sequence('area_versions', 'id'),
              (SELECT COALESCE(max(id), 0) + 1 FROM area_versions), false),
       setval(pg_get_serial_sequence('areas', 'id'), (SELECT COALESCE(max(id), 0) + 1 FROM areas), false)
