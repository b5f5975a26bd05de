-- Sessions end after an idle period (LOA_SESSION_IDLE_S, issue 16): when a
-- session was last used, updated at most every minute (or a quarter of the
-- idle period, when shorter). Old sessions and throttle rows are deleted on
-- a schedule (gw_auth_sweep), by these indexes.
ALTER TABLE sessions ADD COLUMN last_seen_at timestamptz NOT NULL DEFAULT now();
CREATE INDEX sessions_expires ON sessions (expires_at);
CREATE INDEX login_throttle_last_failure ON login_throttle (last_failure);
