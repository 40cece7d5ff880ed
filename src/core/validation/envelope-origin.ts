import { OriginKind, type Origin } from '../../contract/generated/intelroute/v1/envelope';
import { AGENCY_ID, COUNTRY, ORIGIN_KINDS, enumNames } from './envelope-formats';
import { finding, type Finding } from './validation-types';

const COUNTRY_KINDS: ReadonlySet<number> = new Set([
  OriginKind.ORIGIN_KIND_NCB,
  OriginKind.ORIGIN_KIND_AGENCY,
  OriginKind.ORIGIN_KIND_WORKING_GROUP_MEMBER,
]);

/**
 * origin: present; kind specified; country ISO alpha-2 for NCB, AGENCY and
 * WORKING_GROUP_MEMBER and empty for SECRETARIAT and SYSTEM; agency_id required for AGENCY,
 * optional for SECRETARIAT, empty otherwise. (Whether it matches the sender's identity is the
 * gateway's check.)
 */
export function checkOrigin(origin: Origin | undefined): Finding[] {
  if (origin === undefined) {
    return [finding('ENVELOPE_INVALID', 'origin', 'required', 'is required')];
  }
  if (!ORIGIN_KINDS.has(origin.kind)) {
    const keyword = origin.kind === OriginKind.ORIGIN_KIND_UNSPECIFIED ? 'required' : 'enum';
    const message = `must be one of ${enumNames(OriginKind, ORIGIN_KINDS)}`;
    return [finding('ENVELOPE_INVALID', 'origin.kind', keyword, message)];
  }
  return [...checkCountry(origin), ...checkAgencyId(origin)];
}

function checkCountry(origin: Origin): Finding[] {
  if (COUNTRY_KINDS.has(origin.kind)) {
    if (origin.country === '') {
      return [
        finding(
          'ENVELOPE_INVALID',
          'origin.country',
          'required',
          'is required for this origin kind',
        ),
      ];
    }
    if (!COUNTRY.test(origin.country)) {
      return [
        finding(
          'ENVELOPE_INVALID',
          'origin.country',
          'pattern',
          'must be an ISO 3166-1 alpha-2 code in upper case',
        ),
      ];
    }
    return [];
  }
  if (origin.country !== '') {
    return [
      finding(
        'ENVELOPE_INVALID',
        'origin.country',
        'notAllowed',
        'must be empty for the Secretariat and the system',
      ),
    ];
  }
  return [];
}

function checkAgencyId(origin: Origin): Finding[] {
  const id = origin.agencyId;
  const kind = origin.kind;
  if (kind === OriginKind.ORIGIN_KIND_AGENCY && id === '') {
    return [
      finding('ENVELOPE_INVALID', 'origin.agency_id', 'required', 'is required for an agency'),
    ];
  }
  const mayHaveId =
    kind === OriginKind.ORIGIN_KIND_AGENCY || kind === OriginKind.ORIGIN_KIND_SECRETARIAT;
  if (id !== '' && !mayHaveId) {
    return [
      finding(
        'ENVELOPE_INVALID',
        'origin.agency_id',
        'notAllowed',
        'must be empty for this origin kind',
      ),
    ];
  }
  if (id !== '' && !AGENCY_ID.test(id)) {
    return [
      finding(
        'ENVELOPE_INVALID',
        'origin.agency_id',
        'pattern',
        'must be 1-64 characters of [a-z0-9-]',
      ),
    ];
  }
  return [];
}
