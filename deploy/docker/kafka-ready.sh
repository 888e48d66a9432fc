#!/bin/bash
# HEALTHCHECK: healthy once the group coordinator answers (asked about a group that does not exist).
# Asking also creates __consumer_offsets on a new broker: consumers that start before it exists
# fail to join their groups. From then on an open port is enough, so that a JVM is not started
# every few seconds for the check.
marker=/tmp/kafka-answered
if [[ -f "$marker" ]]; then
  exec 3<>"/dev/tcp/127.0.0.1/$KAFKA_PORT"
  exit 0
fi
answer="$(timeout 25 sh /opt/kafka/bin/kafka-tool.sh org.apache.kafka.tools.consumer.group.ConsumerGroupCommand \
  --bootstrap-server "127.0.0.1:$KAFKA_PORT" --describe --group bin-alert-readiness-probe \
  --command-config <(printf 'request.timeout.ms=5000\ndefault.api.timeout.ms=15000\n') 2>&1)"
grep -q 'GroupIdNotFoundException' <<<"$answer" || { echo "${answer:0:300}"; exit 1; }
touch "$marker"
