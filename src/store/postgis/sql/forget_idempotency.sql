DELETE FROM pin_idempotency WHERE created_at < $1
