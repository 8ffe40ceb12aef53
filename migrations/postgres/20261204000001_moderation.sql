-- Moderation: who may see a pin. Every pin stored so far was public at once (`--moderation post`, the only
-- behaviour until now), so existing rows become `public`. Pending and hidden pins are few; the partial index
-- answers the moderators' queue without scanning the public ones.
ALTER TABLE pins ADD COLUMN visibility text NOT NULL DEFAULT 'public'
    CHECK (visibility IN ('public', 'pending', 'hidden'));
CREATE INDEX pins_withheld ON pins (visibility, id) WHERE visibility <> 'public';
