INSERT INTO pin_idempotency (key, fingerprint, pin_id, created_at) VALUES (?, ?, ?, ?)
