import { decideOnObservation, markTold } from '../../../src/services/links/detector/link-decision';
import type { LinkState } from '../../../src/services/links/detector/link-state';
import { linksOfMessage } from '../../../src/services/links/detector/show-links';
import { observation } from './detector-fixtures';

function state(...sightings: ReturnType<typeof observation>[]): LinkState {
  let current: LinkState | undefined;
  for (const sighting of sightings) {
    const decision = decideOnObservation(current, sighting, 1000);
    if (decision !== undefined) {
      current = markTold(
        decision.state,
        decision.alerts.map((plan) => ({ plan })),
      );
    }
  }
  return current as LinkState;
}

describe('linksOfMessage (`intelroute links show --as`)', () => {
  const fr = observation('FR');
  const de = observation('DE');
  const es = observation('ES', { handling: { restrictedTo: ['ES'] } });
  const index = [state(fr, de, es)];

  it('shows a country its link as its alerts did: matches it may know of, what it was told', () => {
    expect(linksOfMessage(index, fr.messageId, 'FR')).toEqual([
      expect.objectContaining({
        selectorKind: 'domain',
        ownReports: [fr.messageId],
        matches: [expect.objectContaining({ country: 'DE', reportCount: 1 })],
        alerted: ['DE'],
      }),
    ]);
    expect(linksOfMessage(index, fr.messageId, 'ES')[0]?.matches.map((m) => m.country)).toEqual([
      'DE',
      'FR',
    ]);
  });

  it('shows nothing of a report the identity may not know of, nor of links it is not part of', () => {
    expect(linksOfMessage(index, es.messageId, 'FR')).toEqual([]);
    expect(linksOfMessage(index, fr.messageId, 'IT')).toEqual([]);
    expect(linksOfMessage(index, 'not-indexed', 'secretariat')).toEqual([]);
  });

  it('hides from an agency a link whose alert is for its NCB only', () => {
    const confidential = observation('DE', { handling: { code: 'H3', flags: ['ncb-only'] } });
    const linked = [state(fr, confidential)];
    expect(linksOfMessage(linked, fr.messageId, 'FR')).toHaveLength(1);
    expect(linksOfMessage(linked, fr.messageId, 'FR', { agency: true })).toEqual([]);
    expect(linksOfMessage(index, fr.messageId, 'FR', { agency: true })).toHaveLength(1);
  });

  it('shows the Secretariat every report it may know of', () => {
    const [link] = linksOfMessage(index, es.messageId, 'secretariat');
    expect(link?.ownReports).toEqual([fr.messageId, de.messageId, es.messageId]);
    expect(link?.alerted).toEqual(['DE', 'ES', 'FR']);
  });
});
