-- Changes whenever a version is added (count, largest id) or the current versions change (their ids).
-- Areas are only ever written together with a new version, so versions alone are enough to watch.
SELECT count(*) || '/' || IFNULL(MAX(id), '') || '/' ||
       IFNULL((SELECT group_concat(id) FROM area_versions WHERE current = 1), '')
FROM area_versions
