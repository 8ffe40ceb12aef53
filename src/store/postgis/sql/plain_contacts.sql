-- Contacts an older qala stored in plain text, to be sealed on start.
SELECT pin_id, contact FROM pin_contacts WHERE contact NOT LIKE 'sealed:v1 %' ORDER BY pin_id
