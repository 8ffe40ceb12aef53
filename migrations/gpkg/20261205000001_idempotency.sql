-- Idempotent reports (src/domain/idempotency.rs): the key a report was sent with, stored in the same
-- transaction as its pin. Not registered in gpkg_contents: no GIS layer shows it.
CREATE TABLE pin_idempotency (
    key         TEXT PRIMARY KEY NOT NULL CHECK (length(key) BETWEEN 1 AND 255),
    fingerprint BLOB NOT NULL CHECK (length(fingerprint) = 32),
    pin_id      INTEGER NOT NULL REFERENCES pins (fid),
    created_at  TEXT NOT NULL
);
CREATE INDEX pin_idempotency_created ON pin_idempotency (created_at);
