-- Every intake channel (issue 20, item 2): staff (handlers, inspectors)
-- record feedback received at the reception office, by phone, by letter or
-- by e-mail; who recorded it is kept on the item (and in its first history
-- entry, as the actor).
ALTER TABLE feedback DROP CONSTRAINT feedback_channel_check;
ALTER TABLE feedback ADD CONSTRAINT feedback_channel_check
    CHECK (channel IN ('web', 'open311', 'walk_in', 'phone', 'letter', 'email'));
ALTER TABLE feedback ADD COLUMN recorded_by bigint;
ALTER TABLE feedback ADD CONSTRAINT feedback_recorded_by_check
    CHECK ((channel IN ('web', 'open311')) = (recorded_by IS NULL));
CREATE INDEX feedback_channel ON feedback (channel, received_at DESC);

-- Published answers on the portal (issue 20, item 4): searched in the
-- title, the content and the answer, diacritics folded as the staff's
-- search does; newest publication first.
ALTER TABLE feedback ADD COLUMN answer_search tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('simple', fold(title)), 'A') ||
    setweight(to_tsvector('simple', fold(content)), 'B') ||
    setweight(to_tsvector('simple', fold(coalesce(answer, ''))), 'B')) STORED;
CREATE INDEX feedback_answers ON feedback (published_at DESC, id DESC)
    WHERE published_at IS NOT NULL AND answer_publish;
CREATE INDEX feedback_answer_search ON feedback USING gin (answer_search)
    WHERE published_at IS NOT NULL AND answer_publish;
