-- The authority and code of the layer's SRS (EPSG, 4326).
SELECT organization, organization_coordsys_id FROM gpkg_spatial_ref_sys WHERE srs_id = ?
