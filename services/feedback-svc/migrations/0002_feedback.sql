-- Feedback on administrative regulations (Decree 20/2008/NĐ-CP as amended
-- by 92/2017/NĐ-CP), its history, answers and ratings, and the one-stop
-- desk ratings. The working-day calendar and the deadline rules are in
-- 0003_calendar.sql.

-- feedback-svc's own view of the department's units, built only from
-- content-svc's unit.created / unit.updated events.
CREATE TABLE units (
    unit_id    bigint PRIMARY KEY,
    code       text NOT NULL,
    name       text NOT NULL,
    is_active  boolean NOT NULL,
    event_seq  bigint NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE feedback (
    id                 bigserial PRIMARY KEY,
    tracking_code      text NOT NULL UNIQUE,
    kind               text NOT NULL CHECK (kind IN ('report', 'recommendation')),
    title              text NOT NULL,
    content            text NOT NULL,
    -- The submitter (personal data: staff replies only).
    submitter_name     text NOT NULL,
    submitter_address  text NOT NULL,
    submitter_phone    text NOT NULL,
    submitter_email    text NOT NULL,
    submitter_org      text NOT NULL DEFAULT '',
    -- Digits of the phone and the lower-cased e-mail: what a rating proves.
    phone_digits       text NOT NULL,
    email_lower        text NOT NULL,
    procedure_code     text NOT NULL DEFAULT '',
    regulation_ref     text NOT NULL DEFAULT '',
    attachment_ids     bigint[] NOT NULL DEFAULT '{}',
    channel            text NOT NULL DEFAULT 'web' CHECK (channel IN ('web', 'open311')),
    api_key_id         bigint,                 -- the Open311 client application
    status             text NOT NULL DEFAULT 'received' CHECK (status IN
                         ('received', 'assigned', 'forwarded', 'rejected', 'answered',
                          'published', 'closed')),
    unit_id            bigint REFERENCES units (unit_id),
    received_at        timestamptz NOT NULL DEFAULT now(),
    -- Day 0 of the deadlines: the day of receipt, or the next working day
    -- when received after the cut-off time or on a day off.
    registered_on      date NOT NULL,
    forward_due_at     timestamptz NOT NULL,
    due_at             timestamptz NOT NULL,
    forwarded_to       text NOT NULL DEFAULT '',
    reject_reason_code text NOT NULL DEFAULT '',
    status_reason      text NOT NULL DEFAULT '',
    answer             text,
    answer_publish     boolean NOT NULL DEFAULT false,
    answered_at        timestamptz,
    answered_by        bigint,
    answer_working_days integer,               -- from registered_on to the answer
    answered_on_time   boolean,
    published_at       timestamptz,
    closed_at          timestamptz,
    rating             smallint CHECK (rating BETWEEN 1 AND 5),
    rating_comment     text,
    rated_at           timestamptz,
    updated_at         timestamptz NOT NULL DEFAULT now(),
    version            bigint NOT NULL DEFAULT 1,
    -- Staff search: diacritic-folded code, title and content.
    search             tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('simple', fold(title)), 'A') ||
        setweight(to_tsvector('simple', fold(content)), 'B')) STORED,
    CHECK (status NOT IN ('assigned', 'answered', 'published') OR unit_id IS NOT NULL)
);
CREATE INDEX feedback_status ON feedback (status, due_at);
CREATE INDEX feedback_unit ON feedback (unit_id, received_at DESC);
CREATE INDEX feedback_received ON feedback (received_at DESC);
CREATE INDEX feedback_search ON feedback USING gin (search);

CREATE TABLE feedback_history (
    id          bigserial PRIMARY KEY,
    feedback_id bigint NOT NULL REFERENCES feedback (id),
    action      text NOT NULL,
    from_status text NOT NULL DEFAULT '',
    to_status   text NOT NULL,
    actor_id    bigint NOT NULL DEFAULT 0,     -- 0: the citizen or the system
    unit_id     bigint,
    reason      text NOT NULL DEFAULT '',
    answer      text NOT NULL DEFAULT '',      -- answered: the answer given
    at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX feedback_history_item ON feedback_history (feedback_id, id);

-- One-stop desk (Bộ phận một cửa) satisfaction ratings.
CREATE TABLE desk_ratings (
    id          bigserial PRIMARY KEY,
    desk        text NOT NULL DEFAULT '',
    staff_code  text NOT NULL DEFAULT '',
    score       smallint NOT NULL CHECK (score BETWEEN 1 AND 5),
    comment     text NOT NULL DEFAULT '',
    client_addr text NOT NULL DEFAULT '',
    rated_at    timestamptz NOT NULL DEFAULT now(),
    CHECK (desk <> '' OR staff_code <> '')
);
CREATE INDEX desk_ratings_at ON desk_ratings (rated_at);
