import { ROOT_CONTEXT, type Context, type TextMapGetter } from '@opentelemetry/api';
import type { Metadata } from '@grpc/grpc-js';
import { extractWith } from './kafka-headers-carrier';

/** The part of grpc-js's `Metadata` the getter reads. */
export type GrpcMetadataLike = Pick<Metadata, 'get' | 'getMap'>;

/** Reads inbound gRPC metadata for a propagator: text values only (binary `-bin` keys skipped). */
export const grpcMetadataGetter: TextMapGetter<GrpcMetadataLike> = {
  keys: (carrier) => Object.keys(carrier.getMap()),
  get: (carrier, key) => {
    const values = carrier.get(key).filter((value): value is string => typeof value === 'string');
    if (values.length === 0) return undefined;
    return values.length === 1 ? values[0] : values;
  },
};

/**
 * The caller's trace context from an inbound call's metadata (`traceparent`, `tracestate`), on
 * the root context: the parent of the gateway's receive span. Missing or malformed: the root.
 */
export function extractGrpcTraceContext(metadata: GrpcMetadataLike): Context {
  return extractWith(metadata, grpcMetadataGetter, ROOT_CONTEXT);
}
