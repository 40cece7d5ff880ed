import { countryTopic, TOPICS } from '../../../src/contract/topic-names';
import { agency, HandlingCode, ncb, route, to, topicsOf } from './routing-fixtures';

const FR_INBOX = countryTopic('FR');

describe('NCB copy of what its agencies send', () => {
  it('adds the NCB inbox when the sender is an agency of a country whose NCB asked', () => {
    const decision = route({
      type: 'seizure-report',
      from: agency('FR', 'customs'),
      destinations: [to('DE')],
      copies: ['FR'],
    });
    expect(topicsOf(decision)).toEqual([countryTopic('DE'), FR_INBOX, TOPICS.secretariat].sort());
    expect(decision).toMatchObject({
      routes: expect.arrayContaining([{ topic: FR_INBOX, reason: 'ncb-copy' }]),
    });
  });

  it('adds nothing when the NCB did not ask, or when the sender is not an agency', () => {
    const other = route({ type: 'seizure-report', from: agency('FR', 'customs'), copies: ['DE'] });
    expect(topicsOf(other)).toEqual([TOPICS.secretariat]);
    const fromNcb = route({ type: 'seizure-report', from: ncb('FR'), copies: ['FR'] });
    expect(topicsOf(fromNcb)).toEqual([TOPICS.secretariat]);
  });

  it('is not taken for H2, reported as H2_NAMED_ONLY', () => {
    const decision = route({
      type: 'seizure-report',
      from: agency('FR', 'customs'),
      destinations: [to('DE')],
      copies: ['FR'],
      code: HandlingCode.HANDLING_CODE_H2,
    });
    expect(topicsOf(decision)).toEqual([countryTopic('DE')]);
    expect(decision.notTaken).toContainEqual(
      expect.objectContaining({ topic: FR_INBOX, reason: 'H2_NAMED_ONLY', proposedBy: 'ncb-copy' }),
    );
  });

  it('stays within restricted_to', () => {
    const base = {
      type: 'seizure-report',
      from: agency('FR', 'customs'),
      destinations: [to('DE')],
      copies: ['FR'],
    };
    const excluded = route({ ...base, restrictedTo: ['DE'] });
    expect(topicsOf(excluded)).not.toContain(FR_INBOX);
    expect(excluded.notTaken).toContainEqual(
      expect.objectContaining({
        topic: FR_INBOX,
        reason: 'RESTRICTED_TO_EXCLUDES',
        proposedBy: 'ncb-copy',
      }),
    );
    const allowed = route({ ...base, restrictedTo: ['DE', 'FR'] });
    expect(topicsOf(allowed)).toContain(FR_INBOX);
  });

  it('is written once when the agency also names its own country', () => {
    const decision = route({
      type: 'information-request',
      from: agency('FR', 'customs'),
      destinations: [to('FR')],
      copies: ['FR'],
    });
    expect(decision).toMatchObject({
      routes: [{ topic: FR_INBOX, reason: 'destination' }],
      notTaken: [],
    });
  });
});
