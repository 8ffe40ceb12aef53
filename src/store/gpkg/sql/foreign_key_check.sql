-- After the migrations (run with foreign keys off): every row whose reference points at no row.
PRAGMA foreign_key_check
