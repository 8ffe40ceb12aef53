-- Contacts are sealed before they are stored (src/contact_key.rs): the sealed text of a 254-character
-- contact (up to 4 bytes a character) is up to about 1,400 characters of base64. SQLite cannot change a
-- CHECK in place, so the table is rebuilt (foreign keys are off while migrations run). qala seals the
-- plain-text contacts an older version stored on its first start with a key.
CREATE TABLE pin_contacts_new (
    pin_id  INTEGER PRIMARY KEY REFERENCES pins (fid) ON DELETE CASCADE,
    contact TEXT NOT NULL CHECK (length(contact) BETWEEN 1 AND 2048)
);
INSERT INTO pin_contacts_new (pin_id, contact) SELECT pin_id, contact FROM pin_contacts;
DROP TABLE pin_contacts;
ALTER TABLE pin_contacts_new RENAME TO pin_contacts;
