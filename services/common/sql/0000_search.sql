-- Shared by every service schema: diacritic-insensitive search. The
-- extensions live once per database in `public` (trusted extensions, so the
-- database owner may create them); the advisory lock keeps services that
-- migrate at the same time from racing on CREATE EXTENSION.
SELECT pg_advisory_xact_lock(hashtext('loa.extensions'));
CREATE EXTENSION IF NOT EXISTS unaccent WITH SCHEMA public;
CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;

-- unaccent() is only STABLE (it reads its dictionary by search_path); with
-- the dictionary named explicitly it is safe to declare IMMUTABLE, which
-- generated columns and expression indexes need. "Đăng ký" -> "dang ky".
CREATE OR REPLACE FUNCTION fold(t text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT lower(public.unaccent('public.unaccent'::regdictionary, t))
$$;

-- A URL slug from a Vietnamese title: "Cải cách hành chính: đăng ký"
-- -> "cai-cach-hanh-chinh-dang-ky" (at most 80 characters, never cut inside
-- a word when a dash is near).
CREATE OR REPLACE FUNCTION slugify(t text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT trim(BOTH '-' FROM CASE
           WHEN length(s) <= 80 THEN s
           ELSE coalesce(substring(left(s, 81) FROM '^(.{40,80})-'), left(s, 80)) END)
  FROM (SELECT trim(BOTH '-' FROM regexp_replace(fold(t), '[^a-z0-9]+', '-', 'g')) AS s) x
$$;
