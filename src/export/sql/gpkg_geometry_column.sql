-- The layer's geometry column: always `geom`, no z, no m.
INSERT INTO gpkg_geometry_columns VALUES (?, 'geom', ?, ?, 0, 0)
