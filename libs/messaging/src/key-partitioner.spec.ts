import { randomBytes, randomUUID } from 'node:crypto';
import { PartitionerArgs, Partitioners } from 'kafkajs';
import { KeyPartitioner, murmur2 } from './key-partitioner';

// kafkajs's own murmur2 (64-bit Long arithmetic), the one its DefaultPartitioner uses.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const kafkajsMurmur2: (key: Buffer | string) => number = require('kafkajs/src/producer/partitioners/default/murmur2');

const partitions = (count: number, leaderless: number[] = []): PartitionerArgs['partitionMetadata'] =>
  Array.from({ length: count }, (_, partitionId) => ({ partitionId, leader: leaderless.includes(partitionId) ? -1 : 0, partitionErrorCode: 0, replicas: [0], isr: [0] }));

describe('murmur2', () => {
  it("is kafkajs's murmur2 for keys of every length, text and bytes", () => {
    const keys: Buffer[] = [Buffer.alloc(0), Buffer.from('a'), Buffer.from('ab'), Buffer.from('abc'), Buffer.from('abcd'), Buffer.from('é漢字😀'), Buffer.alloc(7, 0xff)];
    for (let i = 0; i < 3_000; i++) keys.push(Buffer.from(randomUUID()), randomBytes(i % 67));
    for (const key of keys) expect(murmur2(key)).toBe(kafkajsMurmur2(key));
  });
});

describe('KeyPartitioner', () => {
  it("puts every message where kafkajs's DefaultPartitioner does", () => {
    const ours = KeyPartitioner();
    const theirs = Partitioners.DefaultPartitioner();
    for (const count of [1, 3, 12, 24, 7]) {
      const partitionMetadata = partitions(count);
      for (let i = 0; i < 500; i++) {
        const message = { key: i % 5 === 0 ? Buffer.from(randomUUID()) : randomUUID(), value: 'v' };
        expect(ours({ topic: 't', partitionMetadata, message })).toBe(theirs({ topic: 't', partitionMetadata, message }));
      }
      expect(ours({ topic: 't', partitionMetadata, message: { key: 'k', value: 'v', partition: count - 1 } })).toBe(count - 1);
    }
  });

  it('sends a message without a key to a partition that has a leader', () => {
    const ours = KeyPartitioner();
    const partitionMetadata = partitions(4, [0, 2]);
    for (let i = 0; i < 20; i++) expect([1, 3]).toContain(ours({ topic: 't', partitionMetadata, message: { value: 'v' } }));
  });
});
