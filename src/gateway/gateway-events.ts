import type { RouteNotTaken } from '../core/routing';
import type { GatewayRefusal } from './gateway-refusal';

/** What every gateway event knows of the message it concerns (never its payload). */
export interface MessageFacts {
  readonly messageId: string;
  readonly messageType: string;
  /** The declared origin, "ncb:FR" etc. */
  readonly origin: string;
  /** The authenticated sender's URN. */
  readonly identity: string;
  readonly traceId: string;
  readonly payloadSha256: string;
  readonly payloadSize: number;
  readonly schemaVersion: number;
  readonly at: Date;
}

/** The message was written to its topics (the records are those of the job). */
export interface RoutedEvent {
  readonly kind: 'routed';
  readonly facts: MessageFacts;
  readonly ruleId: string;
  readonly notTaken: readonly RouteNotTaken[];
  /** "<origin>|<message id>": the idempotency key. */
  readonly idempotencyKey: string;
  /** messageFingerprint: what a retry under the same key must match. */
  readonly fingerprint: string;
}

/** The message was refused; the job holds its dead-letter record. */
export interface RefusedEvent {
  readonly kind: 'refused';
  readonly facts: MessageFacts;
  readonly refusal: GatewayRefusal;
}

/** A retried message id was answered with the first result. */
export interface DuplicateEvent {
  readonly kind: 'duplicate';
  readonly facts: MessageFacts;
}

/** Routing rules, grants or payload schemas were reloaded (or a reload was rejected). */
export interface ConfigEvent {
  readonly kind: 'config';
  readonly what: 'rules' | 'grants' | 'schemas';
  readonly at: Date;
  readonly description: string;
  readonly changes: Readonly<Record<string, string>>;
}

/** A read (Subscribe) was refused: who asked for which stream, and why not. */
export interface SubscribeRefusedEvent {
  readonly kind: 'subscribe-refused';
  readonly at: Date;
  readonly identity: string;
  /** The stream asked for, e.g. "country-inbox:DE". */
  readonly stream: string;
  readonly refusal: GatewayRefusal;
}

/** Events the gateway hands to the Kafka writer; the audit trail records each of them. */
export type GatewayEvent =
  RoutedEvent | RefusedEvent | DuplicateEvent | ConfigEvent | SubscribeRefusedEvent;
