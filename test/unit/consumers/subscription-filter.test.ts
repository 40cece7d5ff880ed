import { filterVerdict } from '../../../src/services/readers';
import { HandlingCode, Restriction } from '../../../src/contract/generated/intelroute/v1/envelope';
import { validEnvelope } from '../../helpers/envelopes';

const ncbOnly = validEnvelope('seizure-report', {
  handling: {
    code: HandlingCode.HANDLING_CODE_H3,
    restrictedTo: [],
    restrictions: [Restriction.RESTRICTION_NO_BROADCAST, Restriction.RESTRICTION_NCB_ONLY],
    restrictionText: '',
    retentionDays: 10,
  },
});

describe('filterVerdict', () => {
  it('shows an NCB everything, NCB_ONLY included', () => {
    const filter = { messageTypes: 'all', agencyReader: false } as const;
    expect(filterVerdict(ncbOnly, filter)).toBe('deliver');
  });

  it('hides NCB_ONLY messages from an agency', () => {
    const filter = { messageTypes: 'all', agencyReader: true } as const;
    expect(filterVerdict(ncbOnly, filter)).toBe('ncb-only');
    expect(filterVerdict(validEnvelope('seizure-report'), filter)).toBe('deliver');
  });

  it('hides the types outside an agency grant', () => {
    const filter = { messageTypes: ['seizure-report'], agencyReader: true };
    expect(filterVerdict(validEnvelope('online-vendor-report'), filter)).toBe('type-not-granted');
    expect(filterVerdict(validEnvelope('seizure-report'), filter)).toBe('deliver');
  });
});
