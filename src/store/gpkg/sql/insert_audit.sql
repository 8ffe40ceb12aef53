INSERT INTO audit_log (at, actor_name, actor_role, action, target, before, after, request_id)
VALUES (?, ?, ?, ?, ?, ?, ?, ?)
