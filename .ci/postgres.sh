# Sourced by .ci/run: a throwaway PostgreSQL cluster for the store tests, on 127.0.0.1 and a socket in a
# temporary folder, exported as CFC_TEST_POSTGRES_URL and stopped (and its folder removed) when the run ends.
# Installs Debian's postgresql when no server is there (idempotent). Without a running server the store tests
# fail: they never skip.
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    apt-get update && apt-get install -y --no-install-recommends postgresql
fi
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
PG_DIR=$(mktemp -d /tmp/cfc-postgres.XXXXXX)
PG_PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
if [ "$(id -u)" = 0 ]; then
    chown postgres "$PG_DIR"
    pg_as() { runuser -u postgres -- "$@"; }
else
    pg_as() { "$@"; }
fi
pg_as "$PG_BIN/initdb" -D "$PG_DIR/data" -A trust -U postgres -E UTF8 --locale=C.UTF-8 >/dev/null
pg_stop() { pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >/dev/null 2>&1 || true; rm -rf "$PG_DIR"; }
trap pg_stop EXIT
pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/log" -w \
    -o "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null
pg_as "$PG_BIN/createdb" -h "$PG_DIR" -p "$PG_PORT" -U postgres cfc_test
export CFC_TEST_POSTGRES_URL="postgresql://postgres@127.0.0.1:$PG_PORT/cfc_test"
