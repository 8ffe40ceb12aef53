-- Contacts are sealed before they are stored (src/contact_key.rs): the sealed text of a 254-character
-- contact (up to 4 bytes a character) is up to about 1,400 characters of base64. qala seals the plain-text
-- contacts an older version stored on its first start with a key.
ALTER TABLE pin_contacts DROP CONSTRAINT pin_contacts_contact_check;
ALTER TABLE pin_contacts ADD CONSTRAINT pin_contacts_contact_check CHECK (char_length(contact) BETWEEN 1 AND 2048);
