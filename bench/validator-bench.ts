/**
 * Micro-benchmark of the message validator: one typical ~2 KB online-vendor-report envelope,
 * validated in a loop on one thread (envelope rules, UTF-8 decoding, structure scan, JSON.parse
 * and the compiled schema). Run with `npx tsx bench/validator-bench.ts`; prints one JSON line.
 */
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Envelope } from '../src/contract/generated/intelroute/v1/envelope';
import { IntelrouteError } from '../src/core/errors';
import { loadSchemaRegistry, validateMessage, type SchemaRegistry } from '../src/core/validation';
import { benchEnvelope } from './lib/messages';

export interface ValidatorBenchOptions {
  /** How long to measure, in ms (default 3000). */
  readonly durationMs?: number;
  /** How long to run before measuring, in ms (default 1000). */
  readonly warmupMs?: number;
  /** Where the payload schemas are (default: the repository's `schemas/`). */
  readonly schemasDir?: string;
}

export interface ValidatorBenchResult {
  readonly name: 'validator';
  /** Messages validated per second on one core. */
  readonly perSecPerCore: number;
  /** Size of the benchmarked payload, in bytes. */
  readonly payloadBytes: number;
  readonly iterations: number;
  readonly elapsedMs: number;
}

const TARGET_PAYLOAD_BYTES = 2048;
const CREATED_AT = new Date('2025-03-14T09:29:00.000Z');
const NOW = new Date('2025-03-14T09:30:00.000Z');

/** Validates the benchmark envelope in a loop and returns the throughput. */
export function runValidatorBench(options: ValidatorBenchOptions = {}): ValidatorBenchResult {
  const registry = loadSchemaRegistry({
    schemasDir: options.schemasDir ?? path.resolve(__dirname, '..', 'schemas'),
  });
  const envelope = validatorEnvelope(registry);
  const first = validateMessage(envelope, { registry, now: NOW });
  if (!first.ok) throw new IntelrouteError('INTERNAL', `bench envelope refused: ${first.message}`);
  loop(registry, envelope, options.warmupMs ?? 1000);
  const { iterations, elapsedMs } = loop(registry, envelope, options.durationMs ?? 3000);
  return {
    name: 'validator',
    perSecPerCore: Math.round((iterations * 1000) / elapsedMs),
    payloadBytes: envelope.payload.length,
    iterations,
    elapsedMs: Math.round(elapsedMs),
  };
}

function loop(
  registry: SchemaRegistry,
  envelope: Envelope,
  durationMs: number,
): { iterations: number; elapsedMs: number } {
  const start = performance.now();
  let iterations = 0;
  let accepted = 0;
  let elapsedMs: number;
  do {
    for (let i = 0; i < 256; i += 1) {
      if (validateMessage(envelope, { registry, now: NOW }).ok) accepted += 1;
    }
    iterations += 256;
    elapsedMs = performance.now() - start;
  } while (elapsedMs < durationMs);
  if (accepted !== iterations) throw new IntelrouteError('INTERNAL', 'bench envelope refused');
  return { iterations, elapsedMs };
}

/** The schema's example, grown with mirror URLs to a typical ~2 KB report. */
function validatorEnvelope(registry: SchemaRegistry): Envelope {
  const examples = registry.validatorFor('online-vendor-report', 1)?.schema.examples;
  const payload = structuredClone((examples as unknown[] | undefined)?.[0]) as { urls: string[] };
  for (let i = 1; JSON.stringify(payload).length < TARGET_PAYLOAD_BYTES; i += 1) {
    payload.urls.push(`https://rx-noscript-mirror${i}.example.net/shop/oxycodone-30mg`);
  }
  return {
    ...benchEnvelope('FR', Buffer.from(JSON.stringify(payload), 'utf8')),
    caseReference: 'FR/OFAST:2025-0412',
    createdAt: CREATED_AT,
  };
}

if (require.main === module) {
  const { name, perSecPerCore, payloadBytes } = runValidatorBench();
  process.stdout.write(`${JSON.stringify({ name, perSecPerCore, payloadBytes })}\n`);
}
