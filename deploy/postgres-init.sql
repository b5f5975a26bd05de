-- Database init for docker-compose.yml: the postgres image runs this once
-- (docker-entrypoint-initdb.d), when the data volume is empty, in the
-- database "loa" as the user "loa" (the superuser of that cluster).
-- Creating an extension takes more privilege than the services need, so it
-- is done here; a migration may repeat CREATE EXTENSION IF NOT EXISTS.

-- Diacritic-insensitive Vietnamese search: "cai cach" finds "cải cách".
CREATE EXTENSION IF NOT EXISTS unaccent;
-- Trigram similarity and indexes for fuzzy search.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
