-- One page of a copy, keyset-paged on the primary key (ids after the last one seen), each pin with its
-- private contact if it has one: a copy keeps contacts, which no listing ever reads.
SELECT p.id, ST_X(p.geom) AS lon, ST_Y(p.geom) AS lat, p.category, p.status, p.description,
       p.created_at, p.updated_at, p.location_precision, p.duplicate_of, p.visibility, c.contact
FROM pins p LEFT JOIN pin_contacts c ON c.pin_id = p.id
WHERE p.id > $1 ORDER BY p.id LIMIT $2
