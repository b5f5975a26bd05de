-- An admin's password reset (POST /api/v1/users/{id}/password-reset) gives
-- the account a one-time password: its sessions may only change it
-- (auth/identity.c) until POST /api/v1/auth/password clears the mark.
ALTER TABLE users
    ADD COLUMN must_change_password boolean NOT NULL DEFAULT false;
