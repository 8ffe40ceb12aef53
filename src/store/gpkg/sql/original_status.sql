-- The pin a duplicate is to point at. The store has one writer, so it cannot change before this commits.
-- Only a public pin can be an original: a duplicate's `duplicate_of` is shown to the public.
SELECT status FROM pins WHERE fid = ? AND visibility = 'public'
