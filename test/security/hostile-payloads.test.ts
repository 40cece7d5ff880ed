import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type * as grpc from '@grpc/grpc-js';
import { PublishRefusedError, refusalFromCallStatus, type GatewayClient } from '../../src/client';
import type { MessageType } from '../../src/contract/message-types';
import type { Refusal } from '../../src/contract/rich-status';
import {
  Channel,
  Envelope,
  HandlingCode,
  OriginKind,
  Restriction,
} from '../../src/contract/generated/intelroute/v1/envelope';
import {
  loadSchemaRegistry,
  MAX_PAYLOAD_DEPTH,
  MAX_VIOLATIONS,
  validateMessage,
} from '../../src/core/validation';
import { fixturePayload, MESSAGE_TYPES, payloadBytes, validEnvelope } from '../helpers/envelopes';
import { startTestGateway, type TestGateway } from '../helpers/gateway-harness';
import { testKafkaClient } from '../helpers/kafka';
import { readClientPem } from './support/h2-frames';
import { publishRawBytes, publishRequestBytes, rawGrpcClient } from './support/grpc-wire';
import {
  envelopeBytesWithCreatedAt,
  envelopeBytesWithRaw,
  publishRequestOf,
} from './support/protobuf-bytes';
import { patternLeaves, patternsIn, schemaOf, withLeaf } from './support/schema-leaves';
import { percentile, report } from './support/senders';
import { AuditEvent, auditOnceRefused, deadLetters } from './support/trail';

jest.setTimeout(90_000);

/** Put in every payload built here that is meant to be refused: it must never be stored. */
const CANARY = 'canary-5e1d-payload-must-not-be-logged';

/** The identity that may send `validEnvelope(type)` (its declared origin). */
const SENDER: Readonly<Record<MessageType, string>> = {
  'online-vendor-report': 'urn:intelroute:ncb:FR',
  'seizure-report': 'urn:intelroute:ncb:FR',
  'information-request': 'urn:intelroute:ncb:FR',
  'information-response': 'urn:intelroute:ncb:FR',
  'contact-point-update': 'urn:intelroute:ncb:IT',
  'training-event': 'urn:intelroute:ncb:FR',
  'working-group-contribution': 'urn:intelroute:wg:NL',
  'link-alert': 'urn:intelroute:system:link-detector',
  'request-overdue-notice': 'urn:intelroute:system:request-ledger',
};

/** A refusal this file caused, checked against the dead-letter topic and audit trail at the end. */
interface Expected {
  readonly messageId: string;
  readonly reason: string;
  readonly identity: string;
  readonly payload: Uint8Array;
}

/**
 * Hostile content that passes TLS and gRPC framing: every refusal reason not yet exercised at
 * the gateway, absurd JSON shapes, strings crafted against every schema `pattern`, bytes that
 * are not UTF-8, and timestamps from far in the future. Each is refused quickly with a precise
 * reason, and dead-lettered and audited with the payload's SHA-256, never the payload.
 */
describe('hostile content at the gateway (in-process gateway, mTLS, real Kafka)', () => {
  let gw: TestGateway;
  const kafka = testKafkaClient();
  const clients = new Map<string, GatewayClient>();
  const expected: Expected[] = [];

  beforeAll(async () => {
    gw = await startTestGateway();
    // Warm up (first Kafka transaction, JIT) so that timings measure steady state.
    await (await client('urn:intelroute:ncb:FR')).publish(validEnvelope('seizure-report'));
  });
  afterAll(() => gw?.stop());

  async function client(urn: string): Promise<GatewayClient> {
    const existing = clients.get(urn);
    if (existing !== undefined) return existing;
    const created = await gw.client(urn, { retry: false });
    clients.set(urn, created);
    return created;
  }

  /** Publishes; resolves with the refusal (undefined when acked) and the round trip in ms. */
  async function attempt(
    envelope: Envelope,
    urn = SENDER[envelope.messageType as MessageType] ?? 'urn:intelroute:ncb:FR',
  ): Promise<{ refusal: Refusal | undefined; ms: number }> {
    const sender = await client(urn);
    const started = performance.now();
    try {
      await sender.publish(envelope);
      return { refusal: undefined, ms: performance.now() - started };
    } catch (error) {
      const ms = performance.now() - started;
      if (!(error instanceof PublishRefusedError)) throw error;
      return { refusal: error.refusal, ms };
    }
  }

  /** Publishes, expects a refusal, and records it for the dead-letter/audit check. */
  async function refusalOf(envelope: Envelope, urn?: string): Promise<Refusal & { ms: number }> {
    const identity = urn ?? SENDER[envelope.messageType as MessageType] ?? 'urn:intelroute:ncb:FR';
    const { refusal, ms } = await attempt(envelope, identity);
    if (refusal === undefined) throw new Error(`${envelope.messageId} was accepted`);
    expected.push({
      messageId: envelope.messageId,
      reason: refusal.reason,
      identity,
      payload: envelope.payload,
    });
    return { ...refusal, ms };
  }

  const withCanary = (type: MessageType, extra: Record<string, unknown> = {}): Buffer => {
    const payload = fixturePayload(type) as Record<string, unknown>;
    return payloadBytes({
      ...payload,
      summary: `${CANARY} ${String(payload.summary ?? '')}`,
      ...extra,
    });
  };

  describe('refusal reasons not exercised by test/integration/gateway/refusals.test.ts', () => {
    const canaryReport = () =>
      validEnvelope('seizure-report', { payload: withCanary('seizure-report') });
    it.each<[string, string, string, string, () => Envelope]>([
      [
        'a message_id that is not a UUID',
        'INVALID_ARGUMENT',
        'ENVELOPE_INVALID',
        'message_id',
        () => ({ ...canaryReport(), messageId: `not-a-uuid-${Math.random()}` }),
      ],
      [
        'an unknown message type',
        'INVALID_ARGUMENT',
        'UNKNOWN_MESSAGE_TYPE',
        'message_type',
        () => ({ ...canaryReport(), messageType: 'exploit-kit-advert' }),
      ],
      [
        'an unsupported schema version',
        'INVALID_ARGUMENT',
        'UNSUPPORTED_SCHEMA_VERSION',
        'schema_version',
        () => ({ ...canaryReport(), schemaVersion: 99 }),
      ],
      [
        'a content type other than JSON',
        'INVALID_ARGUMENT',
        'UNSUPPORTED_CONTENT_TYPE',
        'content_type',
        () => ({ ...canaryReport(), contentType: 'application/x-java-serialized-object' }),
      ],
      [
        'a payload that is not JSON',
        'INVALID_ARGUMENT',
        'PAYLOAD_NOT_JSON',
        'payload',
        () => ({ ...canaryReport(), payload: Buffer.from(`{"summary":"${CANARY}",`) }),
      ],
      [
        'a receipt forged by the sender (claiming another sender)',
        'INVALID_ARGUMENT',
        'RECEIPT_NOT_ALLOWED',
        'receipt',
        () => ({
          ...canaryReport(),
          receipt: {
            sender: 'urn:intelroute:secretariat',
            receivedAt: new Date(),
            payloadSha256: '0'.repeat(64),
            replyDueAt: undefined,
            traceId: '',
          },
        }),
      ],
      [
        'an information-request naming no destination',
        'INVALID_ARGUMENT',
        'DESTINATION_REQUIRED',
        'destinations',
        () =>
          validEnvelope('information-request', {
            destinations: [],
            payload: payloadBytes({
              ...(fixturePayload('information-request') as object),
              subject: CANARY,
            }),
          }),
      ],
      [
        'a broadcast the sender’s own H3 NO_BROADCAST forbids',
        'INVALID_ARGUMENT',
        'H3_RESTRICTION',
        'destinations[0].channel',
        () =>
          validEnvelope('training-event', {
            handling: {
              code: HandlingCode.HANDLING_CODE_H3,
              restrictedTo: [],
              restrictions: [Restriction.RESTRICTION_NO_BROADCAST],
              restrictionText: '',
              retentionDays: 365,
            },
            destinations: [{ target: { $case: 'channel', channel: Channel.CHANNEL_BROADCAST } }],
          }),
      ],
      [
        'a restricted_to naming a country that is not a member',
        'INVALID_ARGUMENT',
        'UNKNOWN_DESTINATION',
        'handling.restricted_to[1]',
        () =>
          validEnvelope('seizure-report', {
            payload: withCanary('seizure-report'),
            handling: {
              code: HandlingCode.HANDLING_CODE_H0,
              restrictedTo: ['DE', 'KP'],
              restrictions: [],
              restrictionText: '',
              retentionDays: 365,
            },
          }),
      ],
      [
        "an NCB updating another country's contact point",
        'PERMISSION_DENIED',
        'ORIGIN_MISMATCH',
        'payload/country',
        () =>
          validEnvelope('contact-point-update', {
            payload: payloadBytes({
              ...(fixturePayload('contact-point-update') as object),
              country: 'FR',
              remarks: CANARY,
            }),
          }),
      ],
      [
        'a report its own H3 flags leave nobody to receive',
        'FAILED_PRECONDITION',
        'NO_RECIPIENT',
        'handling.restrictions',
        () =>
          validEnvelope('online-vendor-report', {
            payload: withCanary('online-vendor-report'),
            handling: {
              code: HandlingCode.HANDLING_CODE_H3,
              restrictedTo: [],
              restrictions: [
                Restriction.RESTRICTION_NO_SECRETARIAT_COPY,
                Restriction.RESTRICTION_NO_WORKING_GROUP,
              ],
              restrictionText: '',
              retentionDays: 365,
            },
          }),
      ],
    ])('refuses %s: %s %s at %s', async (_case, code, reason, field, build) => {
      const envelope = build();
      const refusal = await refusalOf(envelope);
      expect(refusal).toMatchObject({ codeName: code, reason, domain: 'intelroute.v1' });
      expect(refusal.fieldViolations.map((v) => v.field)).toContain(field);
      expect(refusal.metadata.message_id).toBe(envelope.messageId);
      expect(refusal.message).not.toContain(CANARY);
    });

    // Found by this suite, now enforced: refusals decided before the pipeline (no envelope,
    // RATE_LIMITED, SHUTTING_DOWN) are dead-lettered and audited too, within an audit budget per
    // caller so a flood cannot amplify itself into the audit trail.
    it('dead-letters and audits a request that holds no envelope', async () => {
      const urn = 'urn:intelroute:ncb:DK';
      const pem = readClientPem(await gw.certs.client(urn));
      const raw = rawGrpcClient(gw.address, pem);
      const outcome = await publishRawBytes(raw, publishRequestBytes(undefined));
      expect(outcome).toHaveProperty('error');
      const refusal = refusalFromCallStatus((outcome as { error: grpc.ServiceError }).error);
      expect(refusal).toMatchObject({ codeName: 'INVALID_ARGUMENT', reason: 'ENVELOPE_INVALID' });
      // A sentinel refused after it, from the same identity: once its record is in, ours would be.
      const sentinel = { ...validEnvelope('seizure-report'), messageId: 'dk-sentinel' };
      const dk = await client(urn);
      await expect(
        dk.publish({
          ...sentinel,
          origin: { kind: OriginKind.ORIGIN_KIND_NCB, country: 'DK', agencyId: '' },
        }),
      ).rejects.toBeInstanceOf(PublishRefusedError);
      raw.close();
      const audit = await auditOnceRefused(kafka, gw.topic('intel.v1.audit'), ['dk-sentinel']);
      const ours = audit.filter(
        (r) =>
          r.identity === urn &&
          r.event === AuditEvent.AUDIT_EVENT_REFUSED &&
          r.fields.includes('envelope'),
      );
      expect(ours).toHaveLength(1);
    });
  });

  describe('absurd JSON shapes, refused before parsing with a precise reason', () => {
    const registry = loadSchemaRegistry({ schemasDir: `${__dirname}/../../schemas` });
    const limits = registry.validatorFor('online-vendor-report', 1)?.limits;
    const ovr = (payload: Buffer) => validEnvelope('online-vendor-report', { payload });
    const fixture = () => fixturePayload('online-vendor-report') as Record<string, unknown>;

    // The field is where the shape breaks the limit, named as far as the schema declares it.
    it.each<[string, string, string, RegExp, () => Buffer]>([
      [
        '100,000 nested arrays (200 KB)',
        `payload${'/0'.repeat(MAX_PAYLOAD_DEPTH)}`,
        'maxDepth',
        new RegExp(`more than ${MAX_PAYLOAD_DEPTH} levels deep`),
        () => Buffer.from(`${'['.repeat(100_000)}${']'.repeat(100_000)}`),
      ],
      [
        '100,000 nested objects after the fields of a valid report (600 KB)',
        'payload',
        'maxDepth',
        new RegExp(`more than ${MAX_PAYLOAD_DEPTH} levels deep`),
        () => {
          const body = JSON.stringify(fixture());
          return Buffer.from(
            `${body.slice(0, -1)},"x":${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}}`,
          );
        },
      ],
      [
        'an array of 200,000 URLs (1 MiB)',
        'payload/urls',
        'maxItems',
        /array of more than \d+ items/,
        () => payloadBytes({ ...fixture(), urls: Array(200_000).fill('a') }),
      ],
      [
        'an object of 60,000 members',
        'payload',
        'maxProperties',
        /object with more than \d+ properties/,
        () =>
          payloadBytes({
            ...fixture(),
            x: Object.fromEntries(Array.from({ length: 60_000 }, (_, i) => [`k${i}`, 0])),
          }),
      ],
      [
        'a 1 MiB string',
        'payload/vendorName',
        'maxLength',
        /string longer than \d+ characters/,
        () => payloadBytes({ ...fixture(), vendorName: 'v'.repeat(1_040_000) }),
      ],
    ])(
      'refuses %s: SCHEMA_VIOLATION at `%s` (%s), fast',
      async (shape, field, keyword, message, build) => {
        const envelope = ovr(build());
        expect(envelope.payload.length).toBeLessThanOrEqual(1_048_576);
        const refusal = await refusalOf(envelope);
        report(
          `${shape}: ${envelope.payload.length} bytes refused (${keyword}) in ${refusal.ms.toFixed(1)} ms`,
        );
        expect(refusal).toMatchObject({ codeName: 'INVALID_ARGUMENT', reason: 'SCHEMA_VIOLATION' });
        expect(refusal.fieldViolations).toEqual([
          expect.objectContaining({ field, reason: keyword }),
        ]);
        expect(refusal.fieldViolations[0]?.description).toMatch(message);
        // Measured: 9–61 ms round trip for 200 KB–1 MiB (TLS, framing and protobuf included).
        expect(refusal.ms).toBeLessThan(2000);
      },
    );

    it(`lists at most MAX_VIOLATIONS (${MAX_VIOLATIONS}) faults of a payload with a thousand, and answers fast`, async () => {
      const items = limits?.maxArrayItems ?? 0;
      expect(items).toBeGreaterThan(100); // within the scan's slack: ajv sees them all
      const envelope = ovr(
        payloadBytes({ ...fixture(), urls: Array.from({ length: items }, (_, i) => `x${i}`) }),
      );
      const refusal = await refusalOf(envelope);
      report(
        `${items} faulty URLs: ${refusal.fieldViolations.length} violations listed, ${refusal.ms.toFixed(1)} ms`,
      );
      expect(refusal).toMatchObject({ reason: 'SCHEMA_VIOLATION' });
      expect(refusal.fieldViolations.length).toBe(MAX_VIOLATIONS);
      expect(refusal.fieldViolations.map((v) => v.field)).toContain('payload/urls/0');
      expect(refusal.message).toMatch(/and \d+ more/);
      // Measured: 20 ms for 1,000 faulty URLs (ajv allErrors, capped list).
      expect(refusal.ms).toBeLessThan(2000);
    });
  });

  describe('strings crafted against every `pattern` of the schemas', () => {
    const leaves = patternLeaves();
    const allPatterns = new Set(MESSAGE_TYPES.flatMap((type) => [...patternsIn(schemaOf(type))]));
    const registry = loadSchemaRegistry({ schemasDir: `${__dirname}/../../schemas` });

    it('has a payload leaf for every pattern (fixtures, plus two optional fields)', () => {
      const covered = new Set(leaves.flatMap((leaf) => leaf.patterns));
      expect([...allPatterns].filter((p) => !covered.has(p))).toEqual([]);
      expect(allPatterns.size).toBeGreaterThanOrEqual(29);
    });

    it('answers each crafted string within a few milliseconds of validation, and refuses it precisely', async () => {
      const gatewayMs: number[] = [];
      const validateMs: number[] = [];
      let accepted = 0;
      const refusedPerPattern = new Map<string, number>();
      for (const pattern of allPatterns) {
        const leaf = leaves.find((l) => l.patterns.includes(pattern));
        if (leaf === undefined) throw new Error(`no leaf for ${pattern}`);
        // Pump the valid value with its own last character (stays in the pattern's alphabet as
        // long as possible, the worst case for a backtracking engine), then end on a character
        // each pattern refuses: a control character, or a space for the \S-only ones.
        const last = leaf.value.slice(-1) || 'a';
        for (const size of [1000, 8000]) {
          for (const end of ['\u0001', ' ']) {
            const crafted = leaf.value + last.repeat(Math.max(0, size - leaf.value.length)) + end;
            const envelope = validEnvelope(leaf.type, {
              payload: payloadBytes(withLeaf(leaf.payload, leaf.pointer, crafted)),
            });
            const started = performance.now();
            validateMessage(envelope, { registry, now: new Date() });
            validateMs.push(performance.now() - started);
            const { refusal, ms } = await attempt(envelope);
            if (refusal === undefined) {
              accepted += 1;
              continue;
            }
            gatewayMs.push(ms);
            expected.push({
              messageId: envelope.messageId,
              reason: refusal.reason,
              identity: SENDER[leaf.type],
              payload: envelope.payload,
            });
            expect(refusal).toMatchObject({
              codeName: 'INVALID_ARGUMENT',
              reason: 'SCHEMA_VIOLATION',
            });
            const fields = refusal.fieldViolations.map((v) => v.field);
            expect(
              fields.some((f) => f === 'payload' || f.startsWith(`payload${leaf.pointer}`)),
            ).toBe(true);
            refusedPerPattern.set(pattern, (refusedPerPattern.get(pattern) ?? 0) + 1);
          }
        }
      }
      report(
        `crafted strings: ${allPatterns.size} patterns, ${gatewayMs.length} refused, ${accepted} valid (accepted); ` +
          `gateway round trip p50 ${percentile(gatewayMs, 50).toFixed(1)} ms p99 ${percentile(gatewayMs, 99).toFixed(1)} ms; ` +
          `validateMessage p50 ${percentile(validateMs, 50).toFixed(2)} ms max ${Math.max(...validateMs).toFixed(2)} ms`,
      );
      expect([...allPatterns].filter((p) => !refusedPerPattern.has(p))).toEqual([]);
      // Measured (2 cores, broker local, other suites running): validateMessage p50 0.23–0.31 ms,
      // max 1.2–9.4 ms (a GC pause); gateway round trip p50 5–9 ms, p99 20–42 ms (client, gateway
      // and jest share one event loop here). Refusals are answered before any Kafka write.
      // Bounds far above the measured figures (a loaded 2-core CI machine must not fail them) and
      // far below what a backtracking pattern costs on these strings (seconds or more).
      expect(percentile(validateMs, 99)).toBeLessThan(200);
      expect(Math.max(...validateMs)).toBeLessThan(500);
      expect(percentile(gatewayMs, 50)).toBeLessThan(200);
      expect(percentile(gatewayMs, 99)).toBeLessThan(1000);
    });
  });

  describe('bytes that are not UTF-8', () => {
    const MARK = 'MARKMARK';
    /** A valid seizure report whose summary holds `bytes` in place of MARK (same length). */
    const payloadWith = (bytes: Buffer): Buffer => {
      const text = Buffer.from(
        JSON.stringify({
          ...(fixturePayload('seizure-report') as object),
          summary: `${CANARY} ${MARK}`,
        }),
      );
      const at = text.indexOf(MARK);
      return Buffer.concat([text.subarray(0, at), bytes, text.subarray(at + bytes.length)]);
    };
    it.each<[string, Buffer]>([
      [
        'an invalid continuation byte',
        Buffer.from([0xc3, 0x28, 0x41, 0x41, 0x41, 0x41, 0x41, 0x41]),
      ],
      [
        'an overlong encoding of "/"',
        Buffer.from([0xc0, 0xaf, 0x41, 0x41, 0x41, 0x41, 0x41, 0x41]),
      ],
      [
        'a UTF-8-encoded surrogate (CESU-8)',
        Buffer.from([0xed, 0xa0, 0x80, 0x41, 0x41, 0x41, 0x41, 0x41]),
      ],
      [
        'a code point above U+10FFFF',
        Buffer.from([0xf4, 0x90, 0x80, 0x80, 0x41, 0x41, 0x41, 0x41]),
      ],
      ['a 0xFF byte', Buffer.from([0xff, 0x41, 0x41, 0x41, 0x41, 0x41, 0x41, 0x41])],
      ['a truncated sequence', Buffer.from([0x41, 0x41, 0x41, 0x41, 0x41, 0x41, 0x41, 0xe2])],
    ])('refuses a payload with %s: PAYLOAD_NOT_UTF8 at `payload`', async (_case, bytes) => {
      const envelope = validEnvelope('seizure-report', { payload: payloadWith(bytes) });
      const refusal = await refusalOf(envelope);
      expect(refusal).toMatchObject({ codeName: 'INVALID_ARGUMENT', reason: 'PAYLOAD_NOT_UTF8' });
      expect(refusal.fieldViolations).toEqual([
        expect.objectContaining({ field: 'payload', reason: 'encoding' }),
      ]);
    });

    it('refuses a payload starting with a byte-order mark', async () => {
      const envelope = validEnvelope('seizure-report', {
        payload: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), withCanary('seizure-report')]),
      });
      const refusal = await refusalOf(envelope);
      expect(refusal).toMatchObject({ reason: 'PAYLOAD_NOT_UTF8' });
      expect(refusal.fieldViolations[0]?.description).toMatch(/byte-order mark/);
    });

    it.each<[string, string, (envelope: Envelope) => Buffer]>([
      [
        'message_id',
        'message_id',
        (e) =>
          envelopeBytesWithRaw(
            { ...e, messageId: 'Q'.repeat(36) },
            'Q'.repeat(36),
            Buffer.alloc(36, 0xff),
          ),
      ],
      [
        'origin.country',
        'origin.country',
        (e) =>
          envelopeBytesWithRaw(
            { ...e, origin: { kind: OriginKind.ORIGIN_KIND_NCB, country: 'QQ', agencyId: '' } },
            'QQ',
            Buffer.from([0xc3, 0x28]),
          ),
      ],
      [
        'message_type',
        'message_type',
        (e) =>
          envelopeBytesWithRaw(
            { ...e, messageType: 'seizure-rQQort' },
            'seizure-rQQort',
            Buffer.concat([
              Buffer.from('seizure-r'),
              Buffer.from([0xc0, 0xaf]),
              Buffer.from('ort'),
            ]),
          ),
      ],
    ])(
      'refuses invalid UTF-8 in the envelope’s %s (protobuf string): REQUEST_MALFORMED, never INTERNAL',
      async (_f, field, craft) => {
        const reason = 'REQUEST_MALFORMED';
        const pem = readClientPem(await gw.certs.client('urn:intelroute:ncb:FR'));
        const raw = rawGrpcClient(gw.address, pem);
        const bytes = craft(
          validEnvelope('seizure-report', { payload: withCanary('seizure-report') }),
        );
        const outcome = await publishRawBytes(raw, publishRequestOf(bytes));
        raw.close();
        expect(outcome).toHaveProperty('error');
        const refusal = refusalFromCallStatus((outcome as { error: grpc.ServiceError }).error);
        expect(refusal).toMatchObject({ codeName: 'INVALID_ARGUMENT', reason });
        expect(refusal.fieldViolations).toEqual([
          expect.objectContaining({ field, description: 'is not valid UTF-8' }),
        ]);
        // The record names the message by the id decoded leniently (U+FFFD for each bad byte).
        const decoded = Envelope.decode(bytes);
        expected.push({
          messageId: decoded.messageId,
          reason,
          identity: 'urn:intelroute:ncb:FR',
          payload: decoded.payload,
        });
      },
    );
  });

  describe('timestamps far in the future', () => {
    const skewS = 300; // default maxFutureSkewMs / 1000
    it.each<[string, () => Envelope]>([
      [
        'just beyond the allowed clock skew',
        () =>
          validEnvelope('seizure-report', {
            createdAt: new Date(Date.now() + (skewS + 60) * 1000),
          }),
      ],
      [
        '31 December 9999',
        () => validEnvelope('seizure-report', { createdAt: new Date('9999-12-31T23:59:59Z') }),
      ],
    ])('refuses created_at %s: CREATED_AT_IN_FUTURE at created_at', async (_case, build) => {
      const envelope = build();
      const refusal = await refusalOf({ ...envelope, payload: withCanary('seizure-report') });
      expect(refusal).toMatchObject({
        codeName: 'INVALID_ARGUMENT',
        reason: 'CREATED_AT_IN_FUTURE',
      });
      expect(refusal.fieldViolations.map((v) => v.field)).toEqual(['created_at']);
    });

    it.each<[string, bigint]>([
      ['seconds = 2^63 − 1 (beyond any JavaScript date)', 2n ** 63n - 1n],
      ['seconds = −2^63', -(2n ** 63n)],
      ['seconds = 10^15 (year ~31.7 million)', 10n ** 15n],
    ])(
      'refuses a protobuf Timestamp with %s as REQUEST_MALFORMED at created_at, never INTERNAL',
      async (_case, seconds) => {
        const pem = readClientPem(await gw.certs.client('urn:intelroute:ncb:FR'));
        const raw = rawGrpcClient(gw.address, pem);
        const envelope = validEnvelope('seizure-report', { payload: withCanary('seizure-report') });
        const outcome = await publishRawBytes(
          raw,
          publishRequestOf(envelopeBytesWithCreatedAt(envelope, seconds)),
        );
        raw.close();
        const refusal = refusalFromCallStatus((outcome as { error: grpc.ServiceError }).error);
        expect(refusal).toMatchObject({
          codeName: 'INVALID_ARGUMENT',
          reason: 'REQUEST_MALFORMED',
        });
        expect(refusal.fieldViolations).toEqual([
          expect.objectContaining({ field: 'created_at', reason: 'REQUEST_MALFORMED' }),
        ]);
        expected.push({
          messageId: envelope.messageId,
          reason: 'REQUEST_MALFORMED',
          identity: 'urn:intelroute:ncb:FR',
          payload: envelope.payload,
        });
      },
    );
  });

  it('dead-letters and audits every refusal above with the payload’s SHA-256 and size, never its content', async () => {
    expect(expected.length).toBeGreaterThan(100);
    const ids = expected.map((e) => e.messageId);
    const audit = await auditOnceRefused(kafka, gw.topic('intel.v1.audit'), ids, 60_000);
    const letters = await deadLetters(kafka, gw.topic('intel.v1.deadletter'));
    for (const want of expected) {
      const sha = createHash('sha256').update(want.payload).digest('hex');
      const letter = letters.find((l) => l.record.messageId === want.messageId);
      expect({ id: want.messageId, letter: letter?.record }).toEqual({
        id: want.messageId,
        letter: expect.objectContaining({
          reason: want.reason,
          identity: want.identity,
          payloadSha256: sha,
          payloadSize: String(want.payload.length),
        }),
      });
      const refused = audit.find(
        (r) => r.messageId === want.messageId && r.event === AuditEvent.AUDIT_EVENT_REFUSED,
      );
      expect(refused).toMatchObject({ reason: want.reason, payloadSha256: sha });
    }
    const stored = [...letters.map((l) => l.text), ...audit.map((r) => JSON.stringify(r))];
    expect(stored.filter((text) => text.includes(CANARY))).toEqual([]);
  });
});
