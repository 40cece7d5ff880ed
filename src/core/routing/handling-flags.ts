import {
  HandlingCode,
  Restriction,
  type Handling,
} from '../../contract/generated/intelroute/v1/envelope';
import type { HandlingFlags } from './decision-types';

const CODE_NAMES: Readonly<Partial<Record<HandlingCode, HandlingFlags['code']>>> = {
  [HandlingCode.HANDLING_CODE_H0]: 'H0',
  [HandlingCode.HANDLING_CODE_H1]: 'H1',
  [HandlingCode.HANDLING_CODE_H2]: 'H2',
  [HandlingCode.HANDLING_CODE_H3]: 'H3',
};

/** The handling code's name, or undefined for UNSPECIFIED / unknown numbers. */
export function handlingCodeName(code: HandlingCode): HandlingFlags['code'] | undefined {
  return CODE_NAMES[code];
}

/**
 * Reads the originator's instructions. Restriction flags are honoured whatever the code: the
 * envelope validator refuses flags outside H3, and should one slip through, being stricter
 * than asked is the safe side. Callers check the code first (see envelope-checks.ts).
 */
export function readHandlingFlags(handling: Handling, code: HandlingFlags['code']): HandlingFlags {
  const has = (flag: Restriction): boolean => handling.restrictions.includes(flag);
  return Object.freeze({
    code,
    restrictedTo: Object.freeze([...new Set(handling.restrictedTo)]),
    noWorkingGroup: has(Restriction.RESTRICTION_NO_WORKING_GROUP),
    noSecretariatCopy: has(Restriction.RESTRICTION_NO_SECRETARIAT_COPY),
    noBroadcast: has(Restriction.RESTRICTION_NO_BROADCAST),
    noLinkAnalysis: has(Restriction.RESTRICTION_NO_LINK_ANALYSIS),
    ncbOnly: has(Restriction.RESTRICTION_NCB_ONLY),
  });
}
