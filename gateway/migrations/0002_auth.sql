-- Staff accounts, their sessions, client applications' API keys and the
-- login throttle. Secrets are never stored: passwords as argon2id strings
-- (libsodium crypto_pwhash_str), tokens and keys as their SHA-256.
CREATE TABLE users (
    id            bigserial PRIMARY KEY,
    username      text NOT NULL UNIQUE CHECK (username ~ '^[a-z0-9._-]{3,64}$'),
    full_name     text NOT NULL DEFAULT '' CHECK (length(full_name) <= 200),
    unit_id       bigint,                 -- content-svc's unit (checked by RPC when set)
    roles         text[] NOT NULL DEFAULT '{}'
                  CHECK (roles <@ ARRAY['admin','reviewer','editor','inspector','handler','leader']),
    active        boolean NOT NULL DEFAULT true,
    password_hash text NOT NULL CHECK (password_hash LIKE '$argon2id$%'),
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE sessions (
    id          bigserial PRIMARY KEY,
    token_hash  bytea NOT NULL UNIQUE CHECK (length(token_hash) = 32),
    user_id     bigint NOT NULL REFERENCES users (id),
    client_addr text NOT NULL DEFAULT '',
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL,
    revoked_at  timestamptz
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE api_keys (
    id           bigserial PRIMARY KEY,
    name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    kind         text NOT NULL CHECK (kind IN ('broadcaster', 'open311_client')),
    key_hash     bytea NOT NULL UNIQUE CHECK (length(key_hash) = 32),
    key_prefix   text NOT NULL,           -- the first characters, to tell keys apart
    created_by   bigint REFERENCES users (id),
    created_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz,
    revoked_at   timestamptz,
    last_used_at timestamptz
);

-- Failed logins per key ("addr:<ip>" and "user:<name>|<ip>"): after a few
-- failures a key is blocked for a growing time.
CREATE TABLE login_throttle (
    key           text PRIMARY KEY,
    failures      int NOT NULL,
    last_failure  timestamptz NOT NULL,
    blocked_until timestamptz
);
