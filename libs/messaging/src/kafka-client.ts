import { readFileSync } from 'node:fs';
import { Kafka, KafkaConfig, SASLOptions } from 'kafkajs';
import { TOPIC_PARTITION_DEFAULTS, TopicPartitions } from '@bin-alert/contracts';
import type { AppConfig } from '@bin-alert/platform';
import { patchKafkajsIdleTimer } from './kafkajs-idle-timer';

/** How the process authenticates to the brokers: TLS (with a private CA and/or a client certificate) and SASL. */
export interface KafkaSecurity {
  tls: boolean;
  caFile?: string;
  certFile?: string;
  keyFile?: string;
  sasl?: { mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512'; username: string; password: string };
}

/** How topics are created: partitions per family, and durability on a replicated cluster. */
export interface TopicSettings {
  partitions: TopicPartitions;
  replicationFactor: number;
  minInsyncReplicas: number;
}

export type KafkaClientOptions = Omit<KafkaConfig, 'ssl' | 'sasl'> & { security?: KafkaSecurity };

/**
 * The one place a kafkajs client is made, so that every client of a process (its bus, the
 * admin of the ops page, lag probes) reaches a TLS/SASL cluster the same way. The PEM files are
 * read here, at start-up, so that a wrong path fails the start rather than the first fetch.
 */
export function createKafkaClient({ security, ...options }: KafkaClientOptions): Kafka {
  patchKafkajsIdleTimer();
  return new Kafka({ ...options, ...kafkaSecurityConfig(security) });
}

export function kafkaSecurityConfig(security?: KafkaSecurity): Pick<KafkaConfig, 'ssl' | 'sasl'> {
  if (!security) return {};
  const ssl = security.tls
    ? security.caFile || security.certFile
      ? {
          ...(security.caFile ? { ca: [readFileSync(security.caFile, 'utf8')] } : {}),
          ...(security.certFile && security.keyFile ? { cert: readFileSync(security.certFile, 'utf8'), key: readFileSync(security.keyFile, 'utf8') } : {}),
        }
      : true
    : undefined;
  const sasl = security.sasl ? ({ ...security.sasl } as SASLOptions) : undefined;
  return { ...(ssl ? { ssl } : {}), ...(sasl ? { sasl } : {}) };
}

export function kafkaSecurityFrom(config: AppConfig): KafkaSecurity {
  const { KAFKA_SASL_MECHANISM: mechanism, KAFKA_SASL_USERNAME: username, KAFKA_SASL_PASSWORD: password } = config;
  return {
    tls: config.KAFKA_TLS,
    caFile: config.KAFKA_TLS_CA_FILE,
    certFile: config.KAFKA_TLS_CERT_FILE,
    keyFile: config.KAFKA_TLS_KEY_FILE,
    ...(mechanism && username && password ? { sasl: { mechanism, username, password } } : {}),
  };
}

export function topicSettingsFrom(config: AppConfig): TopicSettings {
  return {
    partitions: {
      alerts: config.KAFKA_PARTITIONS_ALERTS,
      jobsUrgent: config.KAFKA_PARTITIONS_JOBS_URGENT,
      jobsNormal: config.KAFKA_PARTITIONS_JOBS_NORMAL,
      deliveryEvents: config.KAFKA_PARTITIONS_DELIVERY_EVENTS,
      memberNotices: config.KAFKA_PARTITIONS_MEMBER_NOTICES,
      deadLetters: config.KAFKA_PARTITIONS_DEAD_LETTERS,
    },
    replicationFactor: config.KAFKA_REPLICATION_FACTOR,
    minInsyncReplicas: config.KAFKA_MIN_INSYNC_REPLICAS,
  };
}

export const DEFAULT_TOPIC_SETTINGS: TopicSettings = { partitions: TOPIC_PARTITION_DEFAULTS, replicationFactor: 1, minInsyncReplicas: 1 };
