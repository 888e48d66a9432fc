#!/bin/sh
# Renders the broker's settings from deploy/local's template on the ports asked for, formats the
# storage on first start, then runs the broker in the foreground.
set -eu
data=/var/lib/kafka/data
config=/var/lib/kafka/server.properties
tool=/opt/kafka/bin/kafka-tool.sh
rm -f /tmp/kafka-answered
mkdir -p "$data"
sed -e "s#@LOG_DIRS@#$data#" \
    -e "s#127\.0\.0\.1:9092#$KAFKA_HOST:$KAFKA_PORT#g" \
    -e "s#127\.0\.0\.1:9093#$KAFKA_HOST:$KAFKA_CONTROLLER_PORT#g" \
    /opt/kafka/config/server.properties.template >"$config"
if [ ! -f "$data/meta.properties" ]; then
  cluster_id="${KAFKA_CLUSTER_ID:-$(sh "$tool" kafka.tools.StorageTool random-uuid)}"
  sh "$tool" kafka.tools.StorageTool format --standalone -t "$cluster_id" -c "$config" --ignore-formatted >/dev/null
  echo "kafka-start: formatted $data (cluster id $cluster_id)"
fi
# KAFKA_HEAP_OPTS is a list of JVM flags: unquoted on purpose.
# shellcheck disable=SC2086
exec java $KAFKA_HEAP_OPTS -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 \
  -XX:+ExplicitGCInvokesConcurrent -Djava.awt.headless=true -Dkafka.local.banner.level=INFO \
  -Dlog4j2.configurationFile=/opt/kafka/config/log4j2.properties \
  -cp '/opt/kafka/libs/*' kafka.Kafka "$config"
