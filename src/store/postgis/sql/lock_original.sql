-- The pin a duplicate is to point at, locked against a concurrent change until this update commits, so it
-- cannot become a duplicate itself in between. Only a public pin can be an original: a duplicate's
-- `duplicate_of` is shown to the public.
SELECT status FROM pins WHERE id = $1 AND visibility = 'public' FOR SHARE
