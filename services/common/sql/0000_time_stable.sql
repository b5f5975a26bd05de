-- rfc3339() was declared IMMUTABLE around to_char, which is STABLE: PostgreSQL
-- inlines a SQL function only when its body is no more volatile than the
-- function says, so every plan parsed the body again trying to (and gave up),
-- and every call ran it as a SQL function of its own, planned at each call
-- site: together a third of PostgreSQL's CPU on an uncached article
-- (docs/performance.md). Declared STABLE, what its body is, the planner puts
-- the to_char in place of the call.
CREATE OR REPLACE FUNCTION rfc3339(t timestamptz) RETURNS text
LANGUAGE sql STABLE STRICT PARALLEL SAFE AS $$
  SELECT to_char(t AT TIME ZONE 'Asia/Ho_Chi_Minh', 'YYYY-MM-DD"T"HH24:MI:SS"+07:00"')
$$;
