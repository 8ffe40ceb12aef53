SELECT pin_id, fingerprint FROM pin_idempotency WHERE key = ? AND created_at >= ?
