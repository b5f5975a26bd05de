-- Public notices (thông báo công khai) and the catalogue of administrative
-- procedures (thủ tục hành chính, TTHC), written through notices.* and
-- procedures.* (never by SQL) so that every change has its event.
--
-- Search is diacritic-insensitive: a stored tsvector of fold(...) (lower +
-- unaccent, 'simple' configuration: no stemming and no stop words, which
-- suits Vietnamese syllables) with a GIN index; procedure names also get a
-- trigram index for near matches and ranking.

CREATE TABLE notices (
    id         bigserial PRIMARY KEY,
    kind       text NOT NULL CHECK (kind IN ('organization', 'hotline', 'procedure_set',
                                             'staff_evaluation', 'other')),
    title      text NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
    body       text NOT NULL DEFAULT '' CHECK (octet_length(body) <= 102400),
    body_html  text NOT NULL DEFAULT '',   -- rendered by the service when the body is written
    is_active  boolean NOT NULL DEFAULT true,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    search     tsvector GENERATED ALWAYS AS (
                   setweight(to_tsvector('simple', fold(title)), 'A') ||
                   setweight(to_tsvector('simple', fold(body)), 'B')) STORED
);
CREATE INDEX notices_search ON notices USING gin (search);
CREATE INDEX notices_newest ON notices (created_at DESC, id DESC);

CREATE TABLE procedures (
    id              bigserial PRIMARY KEY,
    code            text NOT NULL UNIQUE CHECK (code ~ '^[A-Za-z0-9._-]{1,32}$'),
    name            text NOT NULL CHECK (length(name) BETWEEN 1 AND 500),
    field           text NOT NULL DEFAULT '' CHECK (length(field) <= 200),
    decision_no     text NOT NULL DEFAULT '' CHECK (length(decision_no) <= 100),
    decision_date   date,
    processing_days integer NOT NULL DEFAULT 0 CHECK (processing_days BETWEEN 0 AND 3650),
    fee             text NOT NULL DEFAULT '' CHECK (length(fee) <= 1000),
    online_level    smallint NOT NULL DEFAULT 1 CHECK (online_level BETWEEN 1 AND 4),
    status          text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'abolished')),
    version         integer NOT NULL DEFAULT 1 CHECK (version >= 1),
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    -- The code is one token for the 'simple' parser ("1.001612"); the name
    -- weighs more than the field.
    search          tsvector GENERATED ALWAYS AS (
                        setweight(to_tsvector('simple', fold(code)), 'A') ||
                        setweight(to_tsvector('simple', fold(name)), 'A') ||
                        setweight(to_tsvector('simple', fold(field)), 'C')) STORED
);
CREATE INDEX procedures_search ON procedures USING gin (search);
CREATE INDEX procedures_name_trgm ON procedures USING gin (fold(name) public.gin_trgm_ops);
CREATE INDEX procedures_field ON procedures (fold(field));

-- Earlier versions: the whole record as it was, copied by an amendment in
-- the same transaction that changes the procedure.
CREATE TABLE procedure_versions (
    procedure_id    bigint NOT NULL REFERENCES procedures (id),
    version         integer NOT NULL,
    code            text NOT NULL,
    name            text NOT NULL,
    field           text NOT NULL,
    decision_no     text NOT NULL,
    decision_date   date,
    processing_days integer NOT NULL,
    fee             text NOT NULL,
    online_level    smallint NOT NULL,
    status          text NOT NULL,
    updated_at      timestamptz NOT NULL,    -- when this version was made
    amended_at      timestamptz NOT NULL DEFAULT now(),  -- when an amendment replaced it
    reason          text NOT NULL DEFAULT '' CHECK (length(reason) <= 2000),
    PRIMARY KEY (procedure_id, version)
);
