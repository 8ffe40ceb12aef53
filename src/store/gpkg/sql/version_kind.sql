SELECT kind FROM area_versions WHERE id = ?
