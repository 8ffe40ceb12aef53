-- After pins were inserted with their ids as given (a copy), the identity sequence still points below them:
-- move it past the largest id (is_called = false: the next id drawn is exactly this value).
SELECT setval(pg_get_serial_sequence('pins', 'id'), (SELECT COALESCE(max(id), 0) + 1 FROM pins), false)
