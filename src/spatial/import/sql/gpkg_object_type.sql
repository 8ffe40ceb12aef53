-- What the layer is (a table, a view, …): only a plain table is read.
SELECT type FROM sqlite_master WHERE name = ?
