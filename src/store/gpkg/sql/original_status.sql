-- The pin a duplicate is to point at. The store has one writer, so it cannot change before this commits.
SELECT status FROM pins WHERE fid = ?
