-- quota-svc's own view of the department's units, built only from
-- content-svc's unit.created / unit.updated events.
CREATE TABLE units (
    unit_id    bigint PRIMARY KEY,
    code       text NOT NULL,
    name       text NOT NULL,
    is_active  boolean NOT NULL,
    event_seq  bigint NOT NULL,          -- the content event that last changed it
    updated_at timestamptz NOT NULL DEFAULT now()
);
