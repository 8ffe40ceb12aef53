INSERT INTO area_versions (kind, number, label, source_file, current)
VALUES ($1, $2, $3, $4, $5)
RETURNING id, kind, number, label, source_file, created_at, current
