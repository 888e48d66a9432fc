#!/bin/sh
# Runs a Kafka CLI class with the broker's jars, like `deploy/local/kafka.sh run-class`, e.g.
#   kafka-tool.sh org.apache.kafka.tools.consumer.group.ConsumerGroupCommand \
#     --bootstrap-server 127.0.0.1:9092 --describe --group sender-sms-urgent --members
# A small, quick-starting JVM; logs on stderr (log4j2.properties), answers on stdout.
exec java -Xms32m -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Djava.awt.headless=true \
  -Dlog4j2.configurationFile=/opt/kafka/config/log4j2.properties -cp '/opt/kafka/libs/*' "$@"
