import { TOPIC_PARTITION_DEFAULTS, allTopics, jobsTopic } from '@bin-alert/contracts';
import { loadConfig } from '@bin-alert/platform';
import { topicSettingsFrom } from './kafka-client';

describe('topic settings from the config (ADR 0036)', () => {
  it('defaults to the partitions libs/contracts names: the schema and the contracts cannot drift apart', () => {
    expect(topicSettingsFrom(loadConfig({})).partitions).toEqual(TOPIC_PARTITION_DEFAULTS);
  });

  it('gives each jobs topic 24 partitions by default, so that 24 sender instances per lane share the work', () => {
    const topics = new Map(allTopics(topicSettingsFrom(loadConfig({})).partitions).map((t) => [t.name, t.partitions]));
    for (const channel of ['sms', 'email', 'voice'] as const) {
      expect({ urgent: topics.get(jobsTopic(channel, 'urgent')), normal: topics.get(jobsTopic(channel, 'normal')) }).toEqual({ urgent: 24, normal: 24 });
    }
  });

  it('creates every topic family with its configured count', () => {
    const settings = topicSettingsFrom(loadConfig({ KAFKA_PARTITIONS_JOBS_NORMAL: '48', KAFKA_PARTITIONS_JOBS_URGENT: '12', KAFKA_PARTITIONS_DELIVERY_EVENTS: '9' }));
    const topics = new Map(allTopics(settings.partitions).map((t) => [t.name, t.partitions]));
    expect([topics.get(jobsTopic('sms', 'normal')), topics.get(jobsTopic('email', 'urgent')), topics.get('bin.delivery-events.v1')]).toEqual([48, 12, 9]);
  });
});
