INSERT INTO area_versions (kind, number, label, source_file, created_at, current)
VALUES (?, ?, ?, ?, ?, ?) RETURNING id, kind, number, label, source_file, created_at, current
