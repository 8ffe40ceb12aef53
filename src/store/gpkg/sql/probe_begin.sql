-- Tried on a writer connection given back to the pool: it fails inside a transaction (see open.rs).
BEGIN
