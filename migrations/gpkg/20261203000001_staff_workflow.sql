-- The city's side: staff members and their credentials, the full status workflow with a timeline per pin,
-- and an append-only audit log.
--
-- SQLite cannot change a CHECK constraint in place, so `pins` is rebuilt (SQLite's documented 12-step
-- recipe): the store runs migrations with foreign keys off, so dropping the old table does not cascade into
-- `pin_contacts`, and checks `PRAGMA foreign_key_check` afterwards. The AUTOINCREMENT high-water mark is
-- carried over, so no id is ever handed out twice.
CREATE TABLE pins_new (
    fid                INTEGER PRIMARY KEY AUTOINCREMENT,
    geom               POINT NOT NULL,
    category           TEXT NOT NULL
                       CHECK (category IN ('pram', 'wheelchair', 'bicycle', 'limited_mobility', 'low_vision', 'other')),
    status             TEXT NOT NULL DEFAULT 'new'
                       CHECK (status IN ('new', 'confirmed', 'planned', 'in_progress', 'resolved', 'rejected', 'duplicate')),
    description        TEXT NOT NULL CHECK (length(description) BETWEEN 1 AND 2000),
    created_at         DATETIME NOT NULL,
    updated_at         DATETIME NOT NULL,
    location_precision TEXT NOT NULL DEFAULT 'point' CHECK (location_precision IN ('point', 'district')),
    -- The pin this one repeats; set exactly when the status is `duplicate`.
    duplicate_of       INTEGER REFERENCES pins (fid) DEFERRABLE INITIALLY DEFERRED,
    CHECK ((status = 'duplicate') = (duplicate_of IS NOT NULL) AND (duplicate_of IS NULL OR duplicate_of <> fid))
);
INSERT INTO pins_new (fid, geom, category, status, description, created_at, updated_at, location_precision)
SELECT fid, geom, category, status, description, created_at, updated_at, location_precision FROM pins;
-- The copy above made pins_new's own sequence row (the largest fid copied); the old table's is the larger
-- (it remembers ids of pins since deleted), so it replaces it.
DELETE FROM sqlite_sequence WHERE name = 'pins_new';
INSERT INTO sqlite_sequence (name, seq) SELECT 'pins_new', seq FROM sqlite_sequence WHERE name = 'pins';
DROP TABLE pins;
ALTER TABLE pins_new RENAME TO pins;

CREATE TABLE staff (
    name       TEXT PRIMARY KEY
               CHECK (length(name) BETWEEN 1 AND 64 AND name NOT GLOB '*[^a-z0-9._-]*' AND name GLOB '[a-z0-9]*'),
    role       TEXT NOT NULL CHECK (role IN ('moderator', 'planner', 'admin')),
    created_at DATETIME NOT NULL,
    revoked_at DATETIME
);

-- API tokens and web sessions: only the SHA-256 of a credential's secret half is kept. Like `pin_contacts`,
-- not registered in gpkg_contents, so no GIS layer shows it.
CREATE TABLE staff_credentials (
    selector        TEXT PRIMARY KEY CHECK (length(selector) = 12),
    staff_name      TEXT NOT NULL REFERENCES staff (name),
    kind            TEXT NOT NULL CHECK (kind IN ('token', 'session')),
    verifier_sha256 BLOB NOT NULL CHECK (length(verifier_sha256) = 32),
    created_at      DATETIME NOT NULL,
    expires_at      DATETIME NOT NULL,
    revoked_at      DATETIME
);
CREATE INDEX staff_credentials_staff ON staff_credentials (staff_name);

-- A pin's timeline (internal notes included, so not a GIS layer either).
CREATE TABLE pin_updates (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    pin_id         INTEGER NOT NULL REFERENCES pins (fid),
    created_at     DATETIME NOT NULL,
    actor_name     TEXT NOT NULL,
    actor_role     TEXT NOT NULL CHECK (actor_role IN ('moderator', 'planner', 'admin', 'system')),
    status_from    TEXT,
    status_to      TEXT,
    public_comment TEXT CHECK (length(public_comment) BETWEEN 1 AND 2000),
    internal_note  TEXT CHECK (length(internal_note) BETWEEN 1 AND 2000),
    duplicate_of   INTEGER REFERENCES pins (fid) DEFERRABLE INITIALLY DEFERRED,
    CHECK ((status_from IS NULL) = (status_to IS NULL)),
    CHECK (status_to IS NOT NULL OR public_comment IS NOT NULL OR internal_note IS NOT NULL)
);
CREATE INDEX pin_updates_pin ON pin_updates (pin_id, id);

-- Every staff action and every contact read; the triggers make it append-only.
CREATE TABLE audit_log (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    at         DATETIME NOT NULL,
    actor_name TEXT NOT NULL,
    actor_role TEXT NOT NULL CHECK (actor_role IN ('moderator', 'planner', 'admin', 'system')),
    action     TEXT NOT NULL,
    target     TEXT NOT NULL,
    before     TEXT CHECK (before IS NULL OR json_valid(before)),
    after      TEXT CHECK (after IS NULL OR json_valid(after)),
    request_id TEXT
);
CREATE INDEX audit_log_actor ON audit_log (actor_name, id);
CREATE INDEX audit_log_target ON audit_log (target, id);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only: UPDATE refused');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only: DELETE refused');
END;
