-- A name already taken inserts nothing (and the caller says so), rather than failing the transaction.
INSERT INTO staff (name, role, created_at) VALUES ($1, $2, $3)
ON CONFLICT (name) DO NOTHING
