-- The gateway's own schema. Users, sessions and API keys come with the auth
-- issue; for now it holds only schema_migrations (made by the runner).
COMMENT ON SCHEMA gateway IS 'Loa gateway: users, sessions, API keys';
