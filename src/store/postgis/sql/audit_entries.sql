-- Every filter is optional (NULL: any); newest first, keyset-paged on the id.
SELECT id, at, actor_name, actor_role, action, target, before::text AS before, after::text AS after, request_id
FROM audit_log
WHERE ($1::text IS NULL OR actor_name = $1)
  AND ($2::text IS NULL OR action = $2)
  AND ($3::text IS NULL OR target = $3)
  AND ($4::timestamptz IS NULL OR at >= $4)
  AND ($5::timestamptz IS NULL OR at <= $5)
  AND ($6::bigint IS NULL OR id < $6)
ORDER BY id DESC
LIMIT $7
