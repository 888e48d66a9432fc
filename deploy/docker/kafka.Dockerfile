# Apache Kafka 4.1 (KRaft, one combined broker + controller node) for the compose stack, built
# without Docker Hub: Java 17 from Debian, the broker's jars from Maven Central through the same
# pom as deploy/local/kafka.sh (deploy/local/kafka/pom.xml), its broker settings from the same
# template. Build context: the repository root (docker-compose.yml does this).
ARG BASE_IMAGE=debian:bookworm-slim

FROM ${BASE_IMAGE} AS java
# The JRE's post-install links its man page: slim images drop /usr/share/man.
RUN mkdir -p /usr/share/man/man1 \
 && apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends openjdk-17-jre-headless >/dev/null \
 && rm -rf /var/lib/apt/lists/*

FROM java AS jars
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends maven >/dev/null
COPY deploy/local/kafka/pom.xml /build/pom.xml
# The plugin version kafka.sh uses (DEP_PLUGIN there).
RUN mvn -B -q -f /build/pom.xml org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies \
      -DincludeScope=runtime -DoutputDirectory=/opt/kafka/libs \
 && ls /opt/kafka/libs/kafka_2.13-*.jar >/dev/null

FROM java
RUN echo 'kafka:x:10002:10002:Kafka:/var/lib/kafka:/usr/sbin/nologin' >>/etc/passwd \
 && echo 'kafka:x:10002:' >>/etc/group \
 && install -d -o 10002 -g 10002 /var/lib/kafka
COPY --from=jars /opt/kafka/libs /opt/kafka/libs
COPY deploy/local/kafka/server.properties.template deploy/local/kafka/log4j2.properties /opt/kafka/config/
COPY deploy/docker/kafka-start.sh deploy/docker/kafka-ready.sh deploy/docker/kafka-tool.sh /opt/kafka/bin/
# KAFKA_HOST is where the broker listens and what it advertises (host networking: loopback).
ENV KAFKA_HOST=127.0.0.1 \
    KAFKA_PORT=9092 \
    KAFKA_CONTROLLER_PORT=9093 \
    KAFKA_HEAP_OPTS="-Xms256m -Xmx512m"
USER 10002:10002
CMD ["sh", "/opt/kafka/bin/kafka-start.sh"]
HEALTHCHECK --interval=3s --timeout=30s --start-period=90s --retries=20 CMD ["bash", "/opt/kafka/bin/kafka-ready.sh"]
