-- The media figures of the leadership summary, built only from media-svc's
-- package.published / package.delivered events. A package counts in the
-- month (Asia/Ho_Chi_Minh) of its first version, for the unit of its
-- article (joined with `articles` when read, so the order in which the two
-- services' events arrive does not matter); a delivery is a broadcaster's
-- first receipt of a version, in the month it came.
CREATE TABLE media_packages (
    package_id bigint PRIMARY KEY,
    article_id bigint NOT NULL,
    month      text NOT NULL CHECK (month ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
    versions   integer NOT NULL,
    canceled   boolean NOT NULL
);
CREATE INDEX media_packages_article ON media_packages (article_id);

CREATE TABLE media_deliveries (
    package_id     bigint NOT NULL,
    version        integer NOT NULL,
    broadcaster_id bigint NOT NULL,
    status         text NOT NULL,
    month          text NOT NULL CHECK (month ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
    PRIMARY KEY (package_id, version, broadcaster_id)
);
