# PostgreSQL 15 from Debian's packages, for the compose stack (docker-compose.yml). Trust
# authentication and no password, like deploy/local/infra.sh: for trying BIN Alert and for its
# tests, never for members' data (use a managed PostgreSQL or your own, with a password, there).
ARG BASE_IMAGE=debian:bookworm-slim
FROM ${BASE_IMAGE}
# No cluster from the package: postgres-start.sh makes one in PGDATA on first start.
RUN mkdir -p /etc/postgresql-common \
 && echo 'create_main_cluster = false' >/etc/postgresql-common/createcluster.conf \
 && apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql-15 >/dev/null \
 && rm -rf /var/lib/apt/lists/* \
 && install -d -o postgres -g postgres /var/lib/postgresql/data
COPY postgres-start.sh /usr/local/bin/postgres-start.sh
ENV PGDATA=/var/lib/postgresql/data \
    PGPORT=5432 \
    LISTEN_ADDRESSES=127.0.0.1 \
    POSTGRES_DB=bin_alert
USER postgres
# Fast shutdown: the apps' connections are closed rather than waited for.
STOPSIGNAL SIGINT
CMD ["sh", "/usr/local/bin/postgres-start.sh"]
HEALTHCHECK --interval=2s --timeout=3s --start-period=30s --retries=15 \
  CMD /usr/lib/postgresql/15/bin/pg_isready -q -h 127.0.0.1 -p "$PGPORT" -U postgres -d "$POSTGRES_DB"
