INSERT INTO pin_contacts (pin_id, contact) VALUES (?, ?)
