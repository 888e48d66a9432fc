#!/bin/sh
# Creates the cluster and the database on first start, then runs PostgreSQL in the foreground.
set -eu
bin=/usr/lib/postgresql/15/bin
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  "$bin/initdb" -D "$PGDATA" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >/dev/null
  # Socket only while the database is created: nothing connects before it exists.
  "$bin/pg_ctl" -D "$PGDATA" -w -s -o "-c listen_addresses='' -c unix_socket_directories=/tmp" start
  "$bin/createdb" -h /tmp -U postgres "$POSTGRES_DB"
  "$bin/pg_ctl" -D "$PGDATA" -w -s stop
  echo "postgres-start: created database $POSTGRES_DB in $PGDATA"
fi
exec "$bin/postgres" -D "$PGDATA" -p "$PGPORT" -c listen_addresses="$LISTEN_ADDRESSES" \
  -c unix_socket_directories=/tmp -c max_connections=200
