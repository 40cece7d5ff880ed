/**
 * Small local builders for routing and authorisation unit tests (deliberately independent of
 * test/helpers, which another change is adding).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadShippedMemberCountries } from '../../../src/config/member-countries';
import {
  Channel,
  HandlingCode,
  OriginKind,
  type Destination,
  type Envelope,
  type Origin,
  type Restriction,
} from '../../../src/contract/generated/intelroute/v1/envelope';
import type { Identity } from '../../../src/identity/identity';
import {
  decideRoutes,
  loadRuleSet,
  type RoutingDecision,
  type RuleSet,
} from '../../../src/core/routing';

const ROOT = path.resolve(__dirname, '..', '..', '..');

/** The shipped config/routing.yaml, loaded once. */
export const DEFAULT_RULES: RuleSet = loadRuleSet(
  readFileSync(path.join(ROOT, 'config', 'routing.yaml'), 'utf8'),
);

/** Every INTERPOL member in config/member-countries.json. */
export const MEMBERS: ReadonlySet<string> = new Set(
  loadShippedMemberCountries().map((member) => member.code),
);

/** A country destination. */
export const to = (country: string): Destination => ({ target: { $case: 'country', country } });

/** A channel destination. */
export const toChannel = (channel: Channel): Destination => ({
  target: { $case: 'channel', channel },
});

export const ncb = (country: string): Identity => ({
  role: 'ncb',
  country,
  urn: `urn:intelroute:ncb:${country}`,
});
export const agency = (country: string, agencyId: string): Identity => ({
  role: 'agency',
  country,
  agencyId,
  urn: `urn:intelroute:agency:${country}:${agencyId}`,
});
export const secretariat = (service: string | null = null): Identity => ({
  role: 'secretariat',
  service,
  urn: service === null ? 'urn:intelroute:secretariat' : `urn:intelroute:secretariat:${service}`,
});
export const wg = (country: string): Identity => ({
  role: 'wg',
  country,
  urn: `urn:intelroute:wg:${country}`,
});
export const ops = (name = 'alice'): Identity => ({
  role: 'ops',
  name,
  urn: `urn:intelroute:ops:${name}`,
});
export const system = (component = 'link-detector'): Identity => ({
  role: 'system',
  component,
  urn: `urn:intelroute:system:${component}`,
});

/** The origin an identity truthfully declares. */
export function originOf(identity: Identity): Origin {
  switch (identity.role) {
    case 'ncb':
      return { kind: OriginKind.ORIGIN_KIND_NCB, country: identity.country, agencyId: '' };
    case 'agency':
      return {
        kind: OriginKind.ORIGIN_KIND_AGENCY,
        country: identity.country,
        agencyId: identity.agencyId,
      };
    case 'secretariat':
      return { kind: OriginKind.ORIGIN_KIND_SECRETARIAT, country: '', agencyId: '' };
    case 'wg':
      return {
        kind: OriginKind.ORIGIN_KIND_WORKING_GROUP_MEMBER,
        country: identity.country,
        agencyId: '',
      };
    case 'system':
    case 'ops':
      return { kind: OriginKind.ORIGIN_KIND_SYSTEM, country: '', agencyId: '' };
  }
}

export interface EnvelopeSpec {
  readonly type?: string;
  readonly schemaVersion?: number;
  readonly from?: Identity;
  readonly origin?: Origin;
  readonly destinations?: readonly Destination[];
  readonly code?: HandlingCode;
  readonly restrictedTo?: readonly string[];
  readonly restrictions?: readonly Restriction[];
}

/** A valid envelope: an H0 online-vendor-report from the NCB of FR, no destination. */
export function envelope(spec: EnvelopeSpec = {}): Envelope {
  const restrictions = [...(spec.restrictions ?? [])];
  const code = spec.code ?? HandlingCode.HANDLING_CODE_H0;
  return {
    messageId: '0c4d1f9e-7a2b-4c8e-9f3a-2b1d5e6f7a8b',
    messageType: spec.type ?? 'online-vendor-report',
    schemaVersion: spec.schemaVersion ?? 1,
    origin: spec.origin ?? originOf(spec.from ?? ncb('FR')),
    destinations: [...(spec.destinations ?? [])],
    handling: {
      code,
      restrictedTo: [...(spec.restrictedTo ?? [])],
      restrictions,
      restrictionText: code === HandlingCode.HANDLING_CODE_H3 ? 'see flags' : '',
      retentionDays: 365,
    },
    evaluation: undefined,
    priority: 0,
    inReplyTo: '',
    caseReference: '',
    createdAt: new Date(0),
    payload: Buffer.from('{}'),
    contentType: 'application/json',
    receipt: undefined,
  };
}

export interface RouteSpec extends EnvelopeSpec {
  readonly rules?: RuleSet;
  readonly payload?: unknown;
  readonly copies?: readonly string[];
  readonly members?: ReadonlySet<string>;
}

/** Routes an envelope built from `spec` with the default rules; the sender is `spec.from`. */
export function route(spec: RouteSpec = {}): RoutingDecision {
  const sender = spec.from ?? ncb('FR');
  return decideRoutes({
    envelope: envelope({ ...spec, from: sender }),
    payload: spec.payload ?? {},
    sender,
    rules: spec.rules ?? DEFAULT_RULES,
    memberCountries: spec.members ?? MEMBERS,
    ncbCopyCountries: new Set(spec.copies ?? []),
  });
}

/** The routed topics, sorted; fails the test when the decision is a refusal. */
export function topicsOf(decision: RoutingDecision): string[] {
  if (decision.kind !== 'routed') {
    throw new Error(`expected a routed decision, got ${decision.reason}: ${decision.message}`);
  }
  return decision.routes.map((route) => route.topic).sort();
}

/** The "not taken" entries as `topic reason` strings, sorted. */
export function notTakenOf(decision: RoutingDecision): string[] {
  return decision.notTaken.map((entry) => `${entry.topic} ${entry.reason}`).sort();
}

/** A rule set from YAML text (throws on invalid text, failing the test). */
export const rules = (yaml: string): RuleSet => loadRuleSet(yaml);

export { Channel, HandlingCode };
