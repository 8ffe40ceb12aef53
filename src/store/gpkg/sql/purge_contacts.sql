-- Contacts past their retention: of pins reported before the cutoff.
DELETE FROM pin_contacts WHERE pin_id IN (SELECT fid FROM pins WHERE created_at < ?)
