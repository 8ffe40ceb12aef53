SELECT id, kind, number, label, source_file, created_at, current FROM area_versions ORDER BY id
