import { randomFillSync } from 'node:crypto';

// The W3C `traceparent` format itself. Spans and propagation go through the OpenTelemetry API
// (span-scope.ts, kafka-headers-carrier.ts), which use these helpers when no SDK is installed:
// generating root ids, formatting a span context into a header, parsing one back.

/** A W3C trace context: 32 hex digits of trace id, 16 of span id. */
export interface TraceContext {
  readonly traceId: string;
  readonly spanId: string;
  readonly sampled: boolean;
  readonly tracestate?: string;
}

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;
const INVALID_TRACE = '0'.repeat(32);
const INVALID_SPAN = '0'.repeat(16);

/** Parses a `traceparent` header (version 00); undefined for anything malformed or all-zero. */
export function parseTraceparent(
  value: string | undefined,
  tracestate?: string,
): TraceContext | undefined {
  const match = value === undefined ? null : TRACEPARENT.exec(value.trim());
  if (match === null) return undefined;
  const [, traceId, spanId, flags] = match as unknown as [string, string, string, string];
  if (traceId === INVALID_TRACE || spanId === INVALID_SPAN) return undefined;
  const state = tracestate !== undefined && tracestate.length <= 512 ? tracestate : undefined;
  return {
    traceId,
    spanId,
    sampled: (Number.parseInt(flags, 16) & 1) === 1,
    ...(state === undefined ? {} : { tracestate: state }),
  };
}

/** A child of `parent` (same trace, new span), or the root of a new trace. */
export function childContext(parent: TraceContext | undefined): TraceContext {
  return {
    traceId: parent?.traceId ?? randomHex(16),
    spanId: randomHex(8),
    sampled: parent?.sampled ?? true,
    ...(parent?.tracestate === undefined ? {} : { tracestate: parent.tracestate }),
  };
}

// Ids come from a pool refilled 4 KB at a time: one randomBytes call per id cost 8 % of the
// gateway's CPU (several spans per message), the pool a fraction of it. Same CSPRNG.
const RANDOM_POOL = Buffer.alloc(4096);
let poolOffset = RANDOM_POOL.length;

/** `bytes` random bytes (at most 4,096) as lowercase hex; never all zeros (W3C: invalid). */
export function randomHex(bytes: number): string {
  for (;;) {
    if (poolOffset + bytes > RANDOM_POOL.length) {
      randomFillSync(RANDOM_POOL);
      poolOffset = 0;
    }
    const hex = RANDOM_POOL.toString('hex', poolOffset, poolOffset + bytes);
    poolOffset += bytes;
    if (!/^0+$/.test(hex)) return hex;
  }
}

/** The `traceparent` header value of a context. */
export function formatTraceparent(context: TraceContext): string {
  return `00-${context.traceId}-${context.spanId}-${context.sampled ? '01' : '00'}`;
}
