INSERT INTO pin_updates (pin_id, created_at, actor_name, actor_role, status_from, status_to, public_comment,
                         internal_note, duplicate_of)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
RETURNING id
