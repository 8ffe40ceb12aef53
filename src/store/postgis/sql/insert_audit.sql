INSERT INTO audit_log (at, actor_name, actor_role, action, target, before, after, request_id)
VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7::jsonb, $8)
