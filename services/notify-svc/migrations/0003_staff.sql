-- Staff notifications (docs/notifications.md, "Staff"): the accounts as the
-- gateway owns them (synced by it: users.sync), each member's notifications
-- in the console, and which kinds each also wants by e-mail.
CREATE TABLE users (
    user_id    bigint PRIMARY KEY,
    username   text NOT NULL,
    full_name  text NOT NULL DEFAULT '',
    email      text NOT NULL DEFAULT '',
    roles      text[] NOT NULL DEFAULT '{}',
    unit_id    bigint,
    active     boolean NOT NULL,
    updated_at timestamptz NOT NULL   -- the account's version at the gateway
);
CREATE INDEX users_roles ON users USING gin (roles);

-- One row per member and moment; `key` ("<source>.<seq>.<kind>.u<user>")
-- makes a replayed event add nothing.
CREATE TABLE notifications (
    id         bigserial PRIMARY KEY,
    key        text NOT NULL UNIQUE CHECK (key ~ '^[a-z0-9._-]{1,200}$'),
    user_id    bigint NOT NULL,
    kind       text NOT NULL,
    title      text NOT NULL,
    body       text NOT NULL DEFAULT '',
    link       text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now(),
    read_at    timestamptz
);
CREATE INDEX notifications_user ON notifications (user_id, id DESC);
CREATE INDEX notifications_unread ON notifications (user_id) WHERE read_at IS NULL;

-- A kind a member also wants by e-mail (no row: the console only).
CREATE TABLE preferences (
    user_id bigint NOT NULL,
    kind    text NOT NULL,
    email   boolean NOT NULL,
    PRIMARY KEY (user_id, kind)
);
