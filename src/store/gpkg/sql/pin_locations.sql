SELECT fid, geom, category, status, created_at FROM pins
