-- A copied version keeps its id, time and current flag.
INSERT INTO area_versions (id, kind, number, label, source_file, created_at, current)
VALUES ($1, $2, $3, $4, $5, $6, $7)
