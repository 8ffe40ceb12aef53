-- Read on every authenticated request, so a revocation made by any instance holds on the next one.
SELECT c.selector, c.verifier_sha256, c.kind, c.staff_name, s.role, c.expires_at,
       (c.revoked_at IS NOT NULL OR s.revoked_at IS NOT NULL) AS revoked
FROM staff_credentials c JOIN staff s ON s.name = c.staff_name
WHERE c.selector = $1
