UPDATE pin_contacts SET contact = ? WHERE pin_id = ?
