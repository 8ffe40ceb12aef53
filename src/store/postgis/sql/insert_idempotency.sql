INSERT INTO pin_idempotency (key, fingerprint, pin_id) VALUES ($1, $2, $3)
