UPDATE staff_credentials SET revoked_at = ?2 WHERE staff_name = ?1 AND revoked_at IS NULL
