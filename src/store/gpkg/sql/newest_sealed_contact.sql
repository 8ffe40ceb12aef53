SELECT contact FROM pin_contacts WHERE contact LIKE 'sealed:v1 %' ORDER BY pin_id DESC LIMIT 1
