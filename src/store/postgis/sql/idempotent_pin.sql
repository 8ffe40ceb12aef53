SELECT pin_id, fingerprint FROM pin_idempotency WHERE key = $1 AND created_at >= $2
