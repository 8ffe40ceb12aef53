-- Moderation: who may see a pin. Every pin stored so far was public at once (`--moderation post`, the only
-- behaviour until now), so existing rows become `public`. A plain column with a default: SQLite adds it
-- without rewriting the table, and GDAL and QGIS see one more attribute of the pins layer.
ALTER TABLE pins ADD COLUMN visibility TEXT NOT NULL DEFAULT 'public'
    CHECK (visibility IN ('public', 'pending', 'hidden'));
CREATE INDEX pins_withheld ON pins (visibility, fid) WHERE visibility <> 'public';
