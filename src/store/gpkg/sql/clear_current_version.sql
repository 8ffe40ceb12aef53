-- Runs before a version of this kind is made current: the partial unique index area_versions_one_current
-- allows one current version per kind, so the old one is cleared first.
UPDATE area_versions SET current = 0 WHERE kind = ? AND current = 1
