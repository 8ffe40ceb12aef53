-- The layer's row in the catalog: a feature table, named for itself, in the one SRS qala writes.
INSERT INTO gpkg_contents (table_name, data_type, identifier, description, srs_id) VALUES (?, 'features', ?, ?, ?)
