-- The pin a duplicate is to point at, locked against a concurrent change until this update commits, so it
-- cannot become a duplicate itself in between.
SELECT status FROM pins WHERE id = $1 FOR SHARE
