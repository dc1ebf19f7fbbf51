#!/bin/bash
# Runs once, when the postgres container initialises an empty data volume (docker-entrypoint-initdb.d):
# the application's own role, no superuser, owning the database it works in (ADR 0016).
set -euo pipefail
: "${TRACING_APP_DB_PASSWORD:?set TRACING_APP_DB_PASSWORD}"
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" -v pw="$TRACING_APP_DB_PASSWORD" -v db="$POSTGRES_DB" <<'SQL'
create role tracing login nosuperuser nocreaterole nocreatedb password :'pw';
alter database :"db" owner to tracing;
SQL
