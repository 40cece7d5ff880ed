import {
  authorizePublish,
  ncbCopyCountries,
  type GrantTable,
  type PublishPolicy,
} from '../core/authorization';
import type { FieldViolation } from '../contract/rich-status';
import { messageIdentity } from '../contract/message-identity';
import { TOPICS } from '../contract/topic-names';
import { Envelope, Priority } from '../contract/generated/intelroute/v1/envelope';
import type { PublishAck } from '../contract/generated/intelroute/v1/gateway';
import type { Identity } from '../identity/identity';
import {
  encodeEnvelope,
  messageRecord,
  recordKey,
  type OutboundRecord,
} from '../kafka/record-format';
import type { RecordLocation, WriteJob } from '../kafka/transactional-writer';
import { decideRoutes, type RoutedDecision, type RuleSet } from '../core/routing';
import {
  errorType,
  noopIntelrouteMetrics,
  recordDecision,
  routeSpan,
  sendSpan,
  validateSpan,
  type IntelrouteMetrics,
  type SendScope,
  type SpanScope,
} from '../telemetry';
import type { Logger } from '../telemetry/logger';
import { sha256Hex } from '../core/sha256';
import { validateMessage, type SchemaRegistry } from '../core/validation';
import { envelopeEcho } from './client-echo';
import { deadLetterRecord } from './dead-letter';
import type { GatewayEvent, MessageFacts, RoutedEvent } from './gateway-events';
import { refusal, refusalFromError, type GatewayRefusal } from './gateway-refusal';
import { isSameMessage, type IdempotencyStore } from './idempotency-store';
import { messageFingerprint } from './message-fingerprint';
import { buildAck } from './publish-ack';
import { checkPayloadOrigin } from './payload-origin';
import { TIMED_OUT, withDeadline } from '../kafka/with-deadline';

/** The answer to one published message. */
export type PublishOutcome =
  | { readonly kind: 'ack'; readonly ack: PublishAck }
  | { readonly kind: 'refused'; readonly messageId: string; readonly refusal: GatewayRefusal };

/** Where a message comes from and by when it must be answered. */
export interface PublishContext {
  readonly identity: Identity;
  /** Absolute time (ms since epoch) by which the sender needs the answer. */
  readonly deadlineAtMs: number;
  /**
   * The span of this message's reception (child of the caller's trace): the pipeline's spans are
   * its children, and its trace id is the message's (receipt, ack, audit, Kafka headers).
   */
  readonly span: SpanScope;
  /**
   * Told when the answer goes out while the writer still holds the message's records (the
   * deadline passed with the job queued or in a transaction): they stay in memory until `write`
   * settles, so the sender's pending bytes are not freed before.
   */
  readonly heldUntil?: (write: Promise<unknown>) => void;
}

export interface PublishSettings {
  readonly topicPrefix: string;
  readonly instanceId: string;
  readonly maxPayloadBytes: number;
  readonly maxFutureSkewMs: number;
  readonly replyDeadlinesMs: Readonly<Record<'routine' | 'high' | 'urgent' | 'immediate', number>>;
}

export interface PublishPipelineDeps {
  readonly registry: SchemaRegistry;
  readonly policy: PublishPolicy;
  /** The rules and grants in force (they are hot-reloaded, so read per message). */
  readonly rules: () => RuleSet;
  readonly grants: () => GrantTable;
  readonly memberCountries: ReadonlySet<string>;
  readonly writer: { write(job: WriteJob<GatewayEvent>): Promise<RecordLocation[]> };
  readonly store: IdempotencyStore;
  readonly logger: Logger;
  readonly now: () => number;
  readonly settings: PublishSettings;
  readonly metrics?: IntelrouteMetrics;
}

/**
 * The gateway's core, free of gRPC: validate → authorise → answer retries from memory → route →
 * write atomically (with the audit trail and the idempotency record) → acknowledge. Refusals are
 * answered at once; their dead-letter and audit records are written behind the answer.
 */
export class PublishPipeline {
  /** Messages being routed now, by idempotency key: a concurrent retry waits for the first. */
  private readonly inFlight = new Map<
    string,
    { fingerprint: string; payloadSha256: string; outcome: Promise<PublishOutcome> }
  >();
  private readonly backgroundWrites = new Set<Promise<unknown>>();
  private readonly metrics: IntelrouteMetrics;
  private processing = 0;

  constructor(private readonly deps: PublishPipelineDeps) {
    this.metrics = deps.metrics ?? noopIntelrouteMetrics();
  }

  /** Messages being processed now (the in-flight gauge). */
  get inFlightCount(): number {
    return this.processing;
  }

  async publish(envelope: Envelope, context: PublishContext): Promise<PublishOutcome> {
    this.processing += 1;
    try {
      return await this.process(envelope, context);
    } finally {
      this.processing -= 1;
    }
  }

  private async process(envelope: Envelope, context: PublishContext): Promise<PublishOutcome> {
    const { span } = context;
    const facts = messageFacts(
      envelope,
      context.identity.urn,
      span.traceIds.traceId,
      new Date(this.deps.now()),
    );
    try {
      const validate = validateSpan(span);
      const checked = validate.run(() => this.check(envelope, context.identity, facts));
      validate.end();
      if (checked.kind === 'refused') return this.refuse(facts, checked.refusal);
      const key = messageIdentity(envelope);
      const fingerprint = messageFingerprint(envelope, facts.payloadSha256);
      const retry = { fingerprint, payloadSha256: facts.payloadSha256 };
      const remembered = this.fromMemory(key, retry, facts);
      if (remembered !== undefined) return remembered;
      const running = this.inFlight.get(key);
      if (running !== undefined) {
        if (!isSameMessage(running, retry)) return this.refuse(facts, idReused(facts));
        return this.asDuplicate(await running.outcome, facts);
      }
      const routing = this.route(envelope, checked.payload, context, { facts, key, fingerprint });
      this.inFlight.set(key, { ...retry, outcome: routing });
      try {
        return await routing;
      } finally {
        this.inFlight.delete(key);
      }
    } catch (error) {
      this.deps.logger.error(
        { err: error, traceId: facts.traceId, messageId: facts.messageId },
        'publish failed',
      );
      return {
        kind: 'refused',
        messageId: facts.messageId,
        refusal: refusalFromError(error, facts.traceId),
      };
    }
  }

  /**
   * Records a refusal decided before the pipeline could run (no proven identity, no envelope, a
   * rate limit, shutdown): a dead-letter and an audit record naming the caller as far as it is
   * known. Returns the outcome to send.
   */
  refuseUnprocessed(
    envelope: Envelope | undefined,
    peer: string,
    answer: GatewayRefusal,
    span: SpanScope,
  ): PublishOutcome {
    const facts = messageFacts(
      envelope ?? Envelope.create(),
      peer,
      span.traceIds.traceId,
      new Date(this.deps.now()),
    );
    return this.refuse(facts, answer);
  }

  /** Waits for the dead-letter and audit writes of refusals already answered. */
  async flushBackground(): Promise<void> {
    await Promise.allSettled([...this.backgroundWrites]);
  }

  /** Validation, authorisation and payload-origin checks; the parsed payload when all pass. */
  private check(
    envelope: Envelope,
    identity: Identity,
    facts: MessageFacts,
  ): { kind: 'passed'; payload: unknown } | { kind: 'refused'; refusal: GatewayRefusal } {
    const { registry, settings } = this.deps;
    const validation = validateMessage(envelope, {
      registry,
      now: facts.at,
      maxPayloadBytes: settings.maxPayloadBytes,
      maxFutureSkewMs: settings.maxFutureSkewMs,
    });
    if (!validation.ok) {
      const violations = validation.violations.map((v) => ({
        field: v.field,
        description: v.message,
        reason: v.keyword,
      }));
      return {
        kind: 'refused',
        refusal: refusal(validation.reason, validation.message, violations),
      };
    }
    const outsider = nonMemberIdentity(identity, this.deps.memberCountries);
    if (outsider !== undefined) return { kind: 'refused', refusal: outsider };
    const authorization = authorizePublish({
      identity,
      envelope,
      policy: this.deps.policy,
      grants: this.deps.grants(),
      nowMs: facts.at.getTime(),
    });
    if (authorization.kind === 'refused') {
      const violations = fieldAt(authorization.field, authorization.message, authorization.reason);
      return {
        kind: 'refused',
        refusal: refusal(authorization.reason, authorization.message, violations),
      };
    }
    const mismatch = checkPayloadOrigin(envelope, identity, validation.payload);
    return mismatch === undefined
      ? { kind: 'passed', payload: validation.payload }
      : { kind: 'refused', refusal: mismatch };
  }

  /** A retry of an id accepted within the window: the first ack again, or MESSAGE_ID_REUSED. */
  private fromMemory(
    key: string,
    retry: { fingerprint: string; payloadSha256: string },
    facts: MessageFacts,
  ): PublishOutcome | undefined {
    const entry = this.deps.store.get(key, facts.at.getTime());
    if (entry === undefined) return undefined;
    if (!isSameMessage(entry, retry)) return this.refuse(facts, idReused(facts));
    this.writeBehind({
      records: [],
      events: [{ kind: 'duplicate', facts }],
      deadlineAtMs: facts.at.getTime() + 30_000,
    });
    return { kind: 'ack', ack: { ...entry.ack, duplicate: true } };
  }

  /** A concurrent retry waits for the first attempt and shares its outcome. */
  private asDuplicate(outcome: PublishOutcome, facts: MessageFacts): PublishOutcome {
    if (outcome.kind === 'refused') return { ...outcome, messageId: facts.messageId };
    return outcome.ack.messageId === facts.messageId
      ? { kind: 'ack', ack: { ...outcome.ack, duplicate: true } }
      : outcome;
  }

  private async route(
    envelope: Envelope,
    payload: unknown,
    context: PublishContext,
    { facts, key, fingerprint }: { facts: MessageFacts; key: string; fingerprint: string },
  ): Promise<PublishOutcome> {
    const routing = routeSpan(context.span);
    const decision = routing.run(() =>
      decideRoutes({
        envelope,
        payload,
        sender: context.identity,
        rules: this.deps.rules(),
        memberCountries: this.deps.memberCountries,
        ncbCopyCountries: ncbCopyCountries(this.deps.grants()),
      }),
    );
    recordDecision(
      routing,
      decision.kind === 'routed'
        ? { kind: 'routed', routeCount: decision.routes.length, ruleId: decision.ruleId }
        : { kind: 'refused', reason: decision.reason },
    );
    routing.end();
    if (decision.kind === 'refused') {
      const violations = fieldAt(decision.field, decision.message, decision.reason);
      return this.refuse(facts, refusal(decision.reason, decision.message, violations));
    }
    const event: RoutedEvent = {
      kind: 'routed',
      facts,
      ruleId: decision.ruleId,
      notTaken: decision.notTaken,
      idempotencyKey: key,
      fingerprint,
    };
    return this.write(
      event,
      this.records(envelope, payload, decision, facts, context.span),
      context,
    );
  }

  /** Writes the records (each under its own send span) and acknowledges once committed. */
  private async write(
    event: RoutedEvent,
    { records, sends }: { records: OutboundRecord[]; sends: SendScope[] },
    context: PublishContext,
  ): Promise<PublishOutcome> {
    const started = this.deps.now();
    const finish = (outcome: 'ok' | 'error' | 'timeout', error?: unknown): void => {
      this.metrics.produceDuration(this.deps.now() - started, { component: 'gateway', outcome });
      for (const send of sends) {
        if (error !== undefined) send.fail(error);
        send.end();
      }
    };
    try {
      const write = this.deps.writer.write({
        records,
        events: [event],
        deadlineAtMs: context.deadlineAtMs,
      });
      const locations = await withDeadline(write, context.deadlineAtMs);
      if (locations === TIMED_OUT) {
        context.heldUntil?.(write);
        finish('timeout', new Error('deadline passed'));
        return { kind: 'refused', messageId: event.facts.messageId, refusal: DEADLINE_PASSED };
      }
      locations.forEach((location, index) => sends[index]?.landed(location));
      finish('ok');
      return { kind: 'ack', ack: buildAck(event, locations, this.deps.settings.topicPrefix) };
    } catch (error) {
      finish('error', error);
      const answer = refusalFromError(error, event.facts.traceId);
      return { kind: 'refused', messageId: event.facts.messageId, refusal: answer };
    }
  }

  /**
   * One record per route, stamped with the gateway's receipt; the envelope is encoded once. Each
   * record carries the trace context of its own `send` span, so a reader continues from it.
   */
  private records(
    envelope: Envelope,
    payload: unknown,
    decision: RoutedDecision,
    facts: MessageFacts,
    parent: SpanScope,
  ): { records: OutboundRecord[]; sends: SendScope[] } {
    const { topicPrefix } = this.deps.settings;
    const stamped = encodeEnvelope({
      ...envelope,
      receipt: {
        sender: facts.identity,
        receivedAt: facts.at,
        payloadSha256: facts.payloadSha256,
        replyDueAt: this.replyDue(envelope, facts.at),
        traceId: facts.traceId,
      },
    });
    const sends: SendScope[] = [];
    const records = decision.routes.map((route) => {
      const topic = `${topicPrefix}${route.topic}`;
      // The directory is compacted by country: its key is the country whose contact point it is.
      const key =
        route.topic === TOPICS.contactPointDirectory
          ? directoryKey(envelope, payload)
          : recordKey(envelope);
      const send = sendSpan(parent, { topic, messageId: envelope.messageId, key });
      sends.push(send);
      return messageRecord(topic, stamped, { key, trace: send.headers });
    });
    return { records, sends };
  }

  private replyDue(envelope: Envelope, at: Date): Date | undefined {
    if (envelope.messageType !== 'information-request') return undefined;
    const deadlines = this.deps.settings.replyDeadlinesMs;
    const ms =
      {
        [Priority.PRIORITY_IMMEDIATE]: deadlines.immediate,
        [Priority.PRIORITY_URGENT]: deadlines.urgent,
        [Priority.PRIORITY_HIGH]: deadlines.high,
      }[envelope.priority as number] ?? deadlines.routine;
    return new Date(at.getTime() + ms);
  }

  /** Answers a refusal now; its dead-letter and audit records follow in the background. */
  private refuse(facts: MessageFacts, answer: GatewayRefusal): PublishOutcome {
    const { instanceId, topicPrefix } = this.deps.settings;
    this.writeBehind({
      records: [deadLetterRecord(facts, answer, instanceId, topicPrefix)],
      events: [{ kind: 'refused', facts, refusal: answer }],
      deadlineAtMs: facts.at.getTime() + 30_000,
    });
    return { kind: 'refused', messageId: facts.messageId, refusal: answer };
  }

  private writeBehind(job: WriteJob<GatewayEvent>): void {
    const write = this.deps.writer.write(job).catch((error: unknown) => {
      this.metrics.auditWriteFailed({ component: 'gateway', reason: errorType(error) });
      this.deps.logger.warn(
        {
          err: String(error),
          events: job.events.map((e) => e.kind),
          traceIds: job.events.map((e) => ('facts' in e ? e.facts.traceId : undefined)),
        },
        'audit/dead-letter write failed',
      );
    });
    this.backgroundWrites.add(write);
    void write.finally(() => this.backgroundWrites.delete(write));
  }
}

function messageFacts(
  envelope: Envelope,
  identity: string,
  traceId: string,
  at: Date,
): MessageFacts {
  const echo = envelopeEcho(envelope);
  // Member by member, not a spread of the echo: facts are read all along the message's way.
  return {
    messageId: echo.messageId,
    messageType: echo.messageType,
    origin: echo.origin,
    identity,
    traceId,
    payloadSha256: sha256Hex(envelope.payload),
    payloadSize: envelope.payload.length,
    schemaVersion: envelope.schemaVersion,
    at,
  };
}

/**
 * A national identity (NCB, agency, working-group member) of a country that is not a member of
 * this network publishes nothing, whatever its certificate says: the CA may serve several
 * networks, and a country leaves the membership list before its certificates expire.
 */
function nonMemberIdentity(
  identity: Identity,
  members: ReadonlySet<string>,
): GatewayRefusal | undefined {
  if (!('country' in identity) || members.has(identity.country)) return undefined;
  const message = `${identity.urn}: ${identity.country} is not a member country of this network`;
  return refusal('ROLE_NOT_PERMITTED', message, [
    { field: 'origin.country', description: message, reason: 'ROLE_NOT_PERMITTED' },
  ]);
}

function fieldAt(field: string | undefined, description: string, reason: string): FieldViolation[] {
  return field === undefined ? [] : [{ field, description, reason }];
}

/** The country a contact-point-update is about (its schema requires `country`). */
function directoryKey(envelope: Envelope, payload: unknown): string {
  const country = (payload as { country?: unknown } | null)?.country;
  return typeof country === 'string' ? country : (envelope.origin?.country ?? '');
}

/** The refusal of a retry whose content differs from what its message id was accepted with. */
function idReused(facts: MessageFacts): GatewayRefusal {
  const description =
    'already used for a different message (payload, destinations, handling or another envelope field differs)';
  return refusal(
    'MESSAGE_ID_REUSED',
    `message id ${facts.messageId} was already used for a different message`,
    [{ field: 'message_id', description, reason: 'MESSAGE_ID_REUSED' }],
  );
}

/** Past the deadline the outcome is unknown: the transaction may still commit. */
const DEADLINE_PASSED = refusal(
  'KAFKA_UNAVAILABLE',
  'Kafka did not confirm the write before the deadline; the message may or may not be stored: retry with the same message id',
  [],
  { deadlinePassed: true },
);
