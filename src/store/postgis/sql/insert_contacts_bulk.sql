INSERT INTO pin_contacts (pin_id, contact) SELECT * FROM UNNEST($1::bigint[], $2::text[])
