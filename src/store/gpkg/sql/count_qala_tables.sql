-- A qala store has all three: the migrations' own table and the two feature tables. A GeoPackage made by
-- anyone else (QGIS, GDAL, another program) lacks at least one, and is refused before anything is written.
SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN ('_sqlx_migrations', 'pins', 'areas')
