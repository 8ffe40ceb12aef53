SELECT fid, geom, category, status, created_at, location_precision, visibility FROM pins
