-- One page of a copy, keyset-paged on the primary key (fids after the last one seen), each pin with its
-- private contact if it has one: a copy keeps contacts, which no listing ever reads.
SELECT p.fid, p.geom, p.category, p.status, p.description, p.created_at, p.updated_at, p.location_precision, p.duplicate_of, p.visibility,
       c.contact
FROM pins p LEFT JOIN pin_contacts c ON c.pin_id = p.fid
WHERE p.fid > ? ORDER BY p.fid LIMIT ?
