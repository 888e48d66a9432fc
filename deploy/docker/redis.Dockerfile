# Redis 7 from Debian's packages, for the compose stack (docker-compose.yml). Nothing is saved to
# disk: BIN Alert keeps only rate-limit buckets, webhook dedupe marks and live counters there.
ARG BASE_IMAGE=debian:bookworm-slim
FROM ${BASE_IMAGE}
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends redis-server >/dev/null \
 && rm -rf /var/lib/apt/lists/*
ENV REDIS_PORT=6379 \
    REDIS_BIND=127.0.0.1
USER redis
CMD ["sh", "-c", "exec redis-server --bind \"$REDIS_BIND\" --port \"$REDIS_PORT\" --save '' --appendonly no --dir /tmp"]
HEALTHCHECK --interval=2s --timeout=3s --start-period=10s --retries=15 \
  CMD redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping | grep -q PONG
