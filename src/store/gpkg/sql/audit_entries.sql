-- Every filter is optional (NULL: any); newest first, keyset-paged on the id. Times are fixed-width
-- ISO 8601 text, so they compare as text.
SELECT id, at, actor_name, actor_role, action, target, before, after, request_id
FROM audit_log
WHERE (?1 IS NULL OR actor_name = ?1)
  AND (?2 IS NULL OR action = ?2)
  AND (?3 IS NULL OR target = ?3)
  AND (?4 IS NULL OR at >= ?4)
  AND (?5 IS NULL OR at <= ?5)
  AND (?6 IS NULL OR id < ?6)
ORDER BY id DESC
LIMIT ?7
