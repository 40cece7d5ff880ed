import type { TestKafka } from './test-kafka';

declare global {
  var intelrouteTestKafka: TestKafka | undefined;
}

export default async function globalTeardown(): Promise<void> {
  await globalThis.intelrouteTestKafka?.stop();
  globalThis.intelrouteTestKafka = undefined;
}
