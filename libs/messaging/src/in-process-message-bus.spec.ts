import { messageBusContract } from '../../../test/support/message-bus.contract';
import { InProcessBroker, InProcessMessageBus } from './in-process-message-bus';

messageBusContract('in-process (standalone mode)', async () => {
  const broker = new InProcessBroker();
  return {
    client: () => new InProcessMessageBus(broker),
    publishRaw: async (topic, records) => {
      for (const r of records) broker.append(topic, { key: r.key, value: r.value });
    },
    deadLetters: async (key) => broker.deadLetters(key),
    lag: async (groupId, topic) => broker.lag(groupId, topic),
    activeMembers: async (groupId) => broker.activeMembers(groupId),
    close: async () => broker.close(),
  };
});
