-- The daily digests of feedback due soon or overdue (notify_digest.c): one
-- row per day and unit once told (unit 0: the Inspectorate's, of every
-- unit), so that a day's digest goes once, whichever replica sweeps.
CREATE TABLE digests (
    day     date NOT NULL,
    unit_id bigint NOT NULL,
    items   integer NOT NULL,
    done_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (day, unit_id)
);
