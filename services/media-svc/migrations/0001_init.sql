-- media-svc: its schema starts with the event tables (0000_*); assets,
-- packages and deliveries come with their issue.
COMMENT ON SCHEMA media IS 'Loa media-svc: assets, packages and broadcasters'' deliveries';
