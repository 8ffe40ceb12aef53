-- Contacts past their retention: of pins reported before the cutoff.
DELETE FROM pin_contacts c USING pins p WHERE c.pin_id = p.id AND p.created_at < $1
