-- Idempotent reports (src/domain/idempotency.rs): the key a report was sent with, stored in the same
-- transaction as its pin, so a retry is answered with that pin even after a crash or a restart.
CREATE TABLE pin_idempotency (
    key         TEXT PRIMARY KEY CHECK (length(key) BETWEEN 1 AND 255),
    fingerprint BYTEA NOT NULL CHECK (length(fingerprint) = 32),
    pin_id      BIGINT NOT NULL REFERENCES pins (id),
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX pin_idempotency_created ON pin_idempotency (created_at);
