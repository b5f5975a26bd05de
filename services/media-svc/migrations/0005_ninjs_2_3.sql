-- ninjs 2.3 for broadcasters that ask for it (docs/api/media.md:
-- "2.3 on request"). A version's 2.3 text is made from its 3.2 text
-- (media_ninjs_2_3) when the version is made, in the same transaction, and
-- stored here: like the 3.2 text it never changes once a client may have
-- read it. Rows made before this migration are NULL; the first read of such
-- a row renders it from the 3.2 text and stores it (only where still NULL),
-- so every row gets its text once and keeps it.
ALTER TABLE package_versions ADD COLUMN ninjs_2_3 text;
