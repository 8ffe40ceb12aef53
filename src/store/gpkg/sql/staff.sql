-- Every member with the expiry of their last valid API token (?1 is now; the times are fixed-width ISO 8601
-- text, so they compare as text); never a hash.
SELECT s.name, s.role, s.created_at, s.revoked_at,
       (SELECT max(c.expires_at) FROM staff_credentials c
        WHERE c.staff_name = s.name AND c.kind = 'token' AND c.revoked_at IS NULL AND c.expires_at > ?1)
           AS token_expires_at
FROM staff s ORDER BY s.name
