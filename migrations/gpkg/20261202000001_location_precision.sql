-- How precisely a pin's point says where the problem is: 'point' (placed on the map, by the device or by
-- coordinates) or 'district' (the citizen chose only the district; the point is its label point). Every pin
-- stored before this was placed at a point, which the default records. A plain column of the `pins` feature
-- table, so GIS tools show it beside category and status.
ALTER TABLE pins
    ADD COLUMN location_precision TEXT NOT NULL DEFAULT 'point'
    CHECK (location_precision IN ('point', 'district'));
