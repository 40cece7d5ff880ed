import type { Consumer } from 'kafkajs';

/**
 * Resolves on the consumer's first GROUP_JOIN (its first assignment is known), rejects on a
 * crash kafkajs will not restart from. Register before `consumer.run()`: kafkajs's run() does
 * not throw when joining fails, it reports a crash.
 */
export function firstJoin(consumer: Consumer): Promise<void> {
  return new Promise((resolve, reject) => {
    const removeJoin = consumer.on(consumer.events.GROUP_JOIN, () => {
      removeJoin();
      removeCrash();
      resolve();
    });
    const removeCrash = consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (payload.restart) return;
      removeJoin();
      removeCrash();
      reject(payload.error);
    });
  });
}
