-- Many pins in one statement: each column arrives as one array and UNNEST turns the arrays back into rows,
-- one round trip per batch instead of one per pin. Ids are given (reserved or copied).
INSERT INTO pins (id, geom, category, status, description, created_at, updated_at, location_precision,
                  duplicate_of, visibility)
SELECT id, ST_SetSRID(ST_MakePoint(lon, lat), 4326), category, status, description, created_at, updated_at,
       location_precision, duplicate_of, visibility
FROM UNNEST($1::bigint[], $2::float8[], $3::float8[], $4::text[], $5::text[], $6::text[],
            $7::timestamptz[], $8::timestamptz[], $9::text[], $10::bigint[], $11::text[])
     AS t(id, lon, lat, category, status, description, created_at, updated_at, location_precision, duplicate_of, visibility)
