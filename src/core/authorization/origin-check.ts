import { OriginKind, type Origin } from '../../contract/generated/intelroute/v1/envelope';
import type { Identity } from '../../identity/identity';
import { refusal, type AuthorizationRefusal } from './authorization-types';

/** The origin an identity must declare; `agencyIds` lists the acceptable `agency_id` values. */
interface ExpectedOrigin {
  readonly kind: OriginKind;
  readonly country: string;
  readonly agencyIds: readonly string[];
}

/**
 * The declared origin the identity proves, or undefined for operators (who publish nothing).
 * A Secretariat service may name itself in `agency_id` or leave it empty; a Secretariat
 * identity without a service may not claim one.
 */
export function expectedOrigin(identity: Identity): ExpectedOrigin | undefined {
  switch (identity.role) {
    case 'ncb':
      return { kind: OriginKind.ORIGIN_KIND_NCB, country: identity.country, agencyIds: [''] };
    case 'agency':
      return {
        kind: OriginKind.ORIGIN_KIND_AGENCY,
        country: identity.country,
        agencyIds: [identity.agencyId],
      };
    case 'secretariat':
      return {
        kind: OriginKind.ORIGIN_KIND_SECRETARIAT,
        country: '',
        agencyIds: identity.service === null ? [''] : ['', identity.service],
      };
    case 'wg':
      return {
        kind: OriginKind.ORIGIN_KIND_WORKING_GROUP_MEMBER,
        country: identity.country,
        agencyIds: [''],
      };
    case 'system':
      return { kind: OriginKind.ORIGIN_KIND_SYSTEM, country: '', agencyIds: [''] };
    case 'ops':
      return undefined;
  }
}

/**
 * ORIGIN_MISMATCH when the declared origin is not the one the identity proves, naming the
 * first differing field (`origin.kind`, `origin.country`, `origin.agency_id`); undefined when
 * it matches. Identity comes from the certificate, never from the message.
 */
export function checkOrigin(
  identity: Identity,
  expected: ExpectedOrigin,
  origin: Origin | undefined,
): AuthorizationRefusal | undefined {
  const who = identity.urn;
  if (origin === undefined)
    return refusal('ORIGIN_MISMATCH', `origin is missing (sender ${who})`, 'origin');
  if (origin.kind !== expected.kind) {
    const kind = OriginKind[origin.kind] ?? String(origin.kind);
    return refusal(
      'ORIGIN_MISMATCH',
      `origin.kind ${kind} does not match sender ${who}`,
      'origin.kind',
    );
  }
  if (origin.country !== expected.country) {
    const message = `origin.country "${origin.country}" does not match sender ${who}`;
    return refusal('ORIGIN_MISMATCH', message, 'origin.country');
  }
  if (!expected.agencyIds.includes(origin.agencyId)) {
    const message = `origin.agency_id "${origin.agencyId}" does not match sender ${who}`;
    return refusal('ORIGIN_MISMATCH', message, 'origin.agency_id');
  }
  return undefined;
}
