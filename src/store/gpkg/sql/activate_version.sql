UPDATE area_versions SET current = 1 WHERE id = ? RETURNING id, kind, number, label, source_file, created_at, current
