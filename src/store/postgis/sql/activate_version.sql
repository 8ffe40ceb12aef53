UPDATE area_versions SET current = true WHERE id = $1
RETURNING id, kind, number, label, source_file, created_at, current
