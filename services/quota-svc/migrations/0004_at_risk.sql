-- The units flagged at risk (quota.at_risk emitted) per month: the primary
-- key makes it once per unit and month, whatever the number of sweeps or of
-- replicas sweeping. articles, cchc_articles: the figures when flagged.
CREATE TABLE at_risk_events (
    unit_id       bigint NOT NULL,
    month         text NOT NULL CHECK (month ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
    articles      bigint NOT NULL,
    cchc_articles bigint NOT NULL,
    flagged_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (unit_id, month)
);
