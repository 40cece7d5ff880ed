import { IntelrouteError } from '../../core/errors';
import { partitionCounts, type KafkaConnection } from '../kafka-connection';

/**
 * The partition count of `inputTopic`, checked equal to the changelog's: a state store is
 * rebuilt from the changelog partition with its input partition's number.
 * @throws IntelrouteError KAFKA_TOPIC_MISSING when a topic is missing; TOPIC_PLAN_CONFLICT when
 *   the counts differ (a topic was grown by hand: keys would no longer meet their state).
 */
export async function checkAlignedTopics(
  connection: KafkaConnection,
  inputTopic: string,
  changelogTopic: string,
): Promise<number> {
  const counts = await partitionCounts(connection, [inputTopic, changelogTopic]);
  const [input, changelog] = [counts.get(inputTopic) ?? 0, counts.get(changelogTopic) ?? 0];
  if (input !== changelog || input === 0) {
    throw new IntelrouteError(
      'TOPIC_PLAN_CONFLICT',
      `${inputTopic} has ${input} partitions and ${changelogTopic} ${changelog}: they must be equal`,
      { details: { inputTopic, changelogTopic, input, changelog } },
    );
  }
  return input;
}
