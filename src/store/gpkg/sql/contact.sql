-- No row: no such pin; a row with NULL: the citizen left no contact.
SELECT c.contact FROM pins p LEFT JOIN pin_contacts c ON c.pin_id = p.fid WHERE p.fid = ?
