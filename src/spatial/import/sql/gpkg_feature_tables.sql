-- Every feature table of the file with its geometry column and SRS (an area file must have exactly one).
SELECT c.table_name, g.column_name, g.srs_id FROM gpkg_contents c
JOIN gpkg_geometry_columns g ON g.table_name = c.table_name
WHERE c.data_type = 'features' ORDER BY c.table_name
