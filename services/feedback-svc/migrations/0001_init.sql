-- feedback-svc: its schema starts with the event tables (0000_*); feedback
-- items, history, answers, ratings and the holiday calendar come with their
-- issue.
COMMENT ON SCHEMA feedback IS 'Loa feedback-svc: citizens'' feedback on administrative regulations';
