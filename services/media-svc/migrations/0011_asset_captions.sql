-- An asset's caption (issue 21, item 3; docs/decisions/0044-asset-captions.md):
-- what the photo shows, in Vietnamese, written by the editor. The portal
-- gives it as the image's text alternative and its visible caption; empty
-- means none yet (the page then says which image of the article it is).
ALTER TABLE assets
    ADD COLUMN caption text NOT NULL DEFAULT ''
        CHECK (char_length(caption) <= 500);
