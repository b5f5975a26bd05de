-- A correction of a published article (article.published with
-- media_correction, docs/decisions/0032-article-revisions.md) asks for a
-- corrected version of the article's live packages, as a retraction asks
-- for them to be withheld: the same queue, answered by the same ticker
-- (media_pkg_store_withhold_next), `kind` telling which, `note` the
-- editor's note for the versions' edNote.
ALTER TABLE withhold_requests
    ADD COLUMN kind text NOT NULL DEFAULT 'withhold' CHECK (kind IN ('withhold', 'correct')),
    ADD COLUMN note text NOT NULL DEFAULT '';
