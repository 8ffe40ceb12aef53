UPDATE pin_contacts SET contact = $1 WHERE pin_id = $2
