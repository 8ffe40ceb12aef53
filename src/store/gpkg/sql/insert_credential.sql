-- Only for a member who exists and is not revoked: a revoked member gets no new token or session.
INSERT INTO staff_credentials (selector, staff_name, kind, verifier_sha256, created_at, expires_at)
SELECT ?1, name, ?3, ?4, ?5, ?6 FROM staff WHERE name = ?2 AND revoked_at IS NULL
