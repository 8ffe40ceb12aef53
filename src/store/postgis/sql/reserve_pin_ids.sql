-- Draws the new rows' ids from the identity sequence before the insert, one per row, so each row's contact
-- can be written in the same transaction without relying on the order of RETURNING.
SELECT nextval(pg_get_serial_sequence('pins', 'id')) FROM generate_series(1, $1)
