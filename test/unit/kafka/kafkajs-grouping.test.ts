import fc from 'fast-check';

// kafkajs groups a send's messages by partition before encoding (patched: one push per message
// instead of a copy of the partition's list per message, which was quadratic).
/* eslint-disable @typescript-eslint/no-require-imports -- kafkajs's internal producer module */
const groupMessagesPerPartition =
  require('kafkajs/src/producer/groupMessagesPerPartition') as (options: {
    topic: string;
    partitionMetadata: unknown[];
    messages: Array<{ partition: number; value: string }>;
    partitioner: (args: { message: { partition: number } }) => number;
  }) => Record<string, Array<{ partition: number; value: string }>>;
/* eslint-enable @typescript-eslint/no-require-imports */

describe('kafkajs grouping of messages per partition (patched)', () => {
  it('keeps every message once, in its order, under the partition the partitioner gives', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ partition: fc.nat({ max: 5 }), value: fc.string() }), {
          maxLength: 300,
        }),
        (messages) => {
          const grouped = groupMessagesPerPartition({
            topic: 't',
            partitionMetadata: [{ partitionId: 0 }],
            messages,
            partitioner: ({ message }) => message.partition,
          });
          const expected: Record<string, typeof messages> = {};
          for (const message of messages) {
            (expected[message.partition] ??= []).push(message);
          }
          expect(grouped).toEqual(expected);
          for (const [partition, list] of Object.entries(grouped)) {
            list.forEach((message) => expect(String(message.partition)).toBe(partition));
          }
        },
      ),
    );
  });

  it('gives nothing when the topic has no partition metadata', () => {
    const grouped = groupMessagesPerPartition({
      topic: 't',
      partitionMetadata: [],
      messages: [{ partition: 0, value: 'x' }],
      partitioner: () => 0,
    });
    expect(grouped).toEqual({});
  });
});
