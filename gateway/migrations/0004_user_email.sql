-- A member of staff's e-mail address, for the notifications they choose
-- to receive by mail (notify-svc, docs/notifications.md); '' for none. And
-- when the account was last handed to notify-svc (auth/notify_sync.c):
-- a row whose updated_at is past it is sent again.
ALTER TABLE users
    ADD COLUMN email text NOT NULL DEFAULT ''
        CHECK (email = '' OR (length(email) <= 254 AND email ~ '^[!-~]+@[!-~]+$'
                              AND email !~ '[<>()\[\]\\,;:"@].*@|@.*[<>()\[\]\\,;:"@]')),
    ADD COLUMN notify_synced_at timestamptz;
