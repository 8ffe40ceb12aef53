-- A copied pin keeps its id; AUTOINCREMENT then continues after the largest fid, so no sequence needs moving.
INSERT INTO pins (fid, geom, category, status, description, created_at, updated_at, location_precision,
                  duplicate_of, visibility)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
