import type { Admin, Consumer, IMemberAssignment } from 'kafkajs';
import { IntelrouteError } from '../../errors';

/**
 * The partition count of `inputTopic`, checked equal to the changelog's: a state store is
 * rebuilt from the changelog partition with its input partition's number.
 * @throws IntelrouteError KAFKA_TOPIC_MISSING when a topic is missing; TOPIC_PLAN_CONFLICT when
 *   the counts differ (a topic was grown by hand: keys would no longer meet their state).
 */
export async function checkAlignedTopics(
  admin: Admin,
  inputTopic: string,
  changelogTopic: string,
): Promise<number> {
  const existing = new Set(await admin.listTopics());
  for (const topic of [inputTopic, changelogTopic]) {
    if (!existing.has(topic)) {
      throw new IntelrouteError('KAFKA_TOPIC_MISSING', `topic ${topic} does not exist`);
    }
  }
  const { topics } = await admin.fetchTopicMetadata({ topics: [inputTopic, changelogTopic] });
  const count = (name: string): number =>
    topics.find((topic) => topic.name === name)?.partitions.length ?? 0;
  const [input, changelog] = [count(inputTopic), count(changelogTopic)];
  if (input !== changelog || input === 0) {
    throw new IntelrouteError(
      'TOPIC_PLAN_CONFLICT',
      `${inputTopic} has ${input} partitions and ${changelogTopic} ${changelog}: they must be equal`,
      { details: { inputTopic, changelogTopic, input, changelog } },
    );
  }
  return input;
}

/** The partitions of `topic` in a member assignment, sorted. */
export function ownPartitions(assignment: IMemberAssignment, topic: string): number[] {
  return [...(assignment[topic] ?? [])].sort((a, b) => a - b);
}

/**
 * Resolves with the partitions of `topic` the consumer's first GROUP_JOIN assigned; rejects on a
 * crash kafkajs will not restart from. Register before `consumer.run()`.
 */
export function firstAssignment(consumer: Consumer, topic: string): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const removeJoin = consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      removeJoin();
      removeCrash();
      resolve(ownPartitions(payload.memberAssignment, topic));
    });
    const removeCrash = consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (payload.restart) return;
      removeJoin();
      removeCrash();
      reject(payload.error);
    });
  });
}

/** An error's message, for logs. */
export function text(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
