-- Ends the probe of probe_begin.sql.
ROLLBACK
