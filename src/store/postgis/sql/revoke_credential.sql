UPDATE staff_credentials SET revoked_at = $2 WHERE selector = $1 AND revoked_at IS NULL
