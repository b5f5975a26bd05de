-- Shared by every service schema: timestamps as RFC 3339 in Asia/Ho_Chi_Minh
-- (UTC+07:00 all year, no daylight saving), e.g. 2022-02-15T08:00:00+07:00.
CREATE OR REPLACE FUNCTION rfc3339(t timestamptz) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT to_char(t AT TIME ZONE 'Asia/Ho_Chi_Minh', 'YYYY-MM-DD"T"HH24:MI:SS"+07:00"')
$$;
