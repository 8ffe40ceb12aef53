SELECT id, pin_id, created_at, actor_name, actor_role, status_from, status_to, public_comment, internal_note,
       duplicate_of
FROM pin_updates WHERE pin_id = ? ORDER BY id
