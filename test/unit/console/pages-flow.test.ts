import type { FlowSnapshot } from '../../../src/console/console-model';
import { renderFlowPage, type PageContext } from '../../../src/console/pages';

const ctx: PageContext = { operator: 'urn:intelroute:ops:alice', assetsPath: '/static' };

const snapshot: FlowSnapshot = {
  at: '2026-12-04T09:15:02.999Z',
  windowSeconds: 2,
  series: [
    { second: 1_796_375_701, accepted: 30, refused: 10 },
    { second: 1_796_375_702, accepted: 0, refused: 0 },
  ],
  acceptedPerSecond: 1234.4,
  refusedPerSecond: 0.25,
  bySender: [
    { key: 'FR', count: 12345 },
    { key: 'secretariat', count: 3 },
  ],
  refusalsByReason: [{ key: 'ORIGIN_MISMATCH', count: 2 }],
  senderToTopic: [{ from: 'FR', to: 'intelroute.secretariat', count: 12345 }],
  topicToReader: [{ from: 'intelroute.secretariat', to: 'secretariat-reader', count: 12000 }],
  totals: { records: 1_000_000, unreadable: 1, messagesHeld: 10_000, messagesEvicted: 42 },
  ackLatency: null,
  readers: [{ group: 'ncb-DE', topic: 'intelroute.country.DE.inbox', lag: 4321 }],
  health: {
    gateway: 'serving',
    brokers: { state: 'down', count: 0, detail: 'connect ECONNREFUSED' },
    auditTail: { state: 'catching up', behind: 5000 },
  },
};

/** The text of the first element matching `open` up to `close`, tags removed. */
function textOf(page: string, open: string, close: string): string {
  const start = page.indexOf(open);
  expect(start).toBeGreaterThanOrEqual(0);
  const inner = page.slice(start, page.indexOf(close, start));
  return inner
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

describe('flow page', () => {
  const page = renderFlowPage(ctx, snapshot);
  const flat = page.replace(/\s+/g, ' ');

  it('shows the tables the live update rebuilds, with their data attributes', () => {
    expect(textOf(page, '<tr data-sender="FR">', '</tr>')).toBe('FR 12,345');
    expect(textOf(page, '<tr data-group="ncb-DE"', '</tr>')).toBe(
      'ncb-DE intelroute.country.DE.inbox 4,321',
    );
    expect(page).toMatch(
      /<tr data-reason="ORIGIN_MISMATCH">\s*<th scope="row"><a href="\/refusals\?reason=ORIGIN_MISMATCH">/,
    );
    for (const id of ['senders-body', 'reasons-body', 'readers-body', 'edges-body']) {
      expect(page).toContain(`<tbody id="${id}">`);
    }
  });

  it('writes rates, latency, health and totals as the cards show them', () => {
    const field = (name: string): string | undefined =>
      new RegExp(`data-field="${name}"[^>]*> ?([^<]*?) ?<`).exec(flat)?.[1];
    expect(field('acceptedPerSecond')).toBe('1,234');
    expect(field('refusedPerSecond')).toBe('0.3');
    expect(field('ackP99')).toBe('—');
    expect(flat).toContain('data-field="brokersState" data-tone="bad"> down');
    expect(flat).toContain('data-field="auditTailState" data-tone="warn"> catching up');
    expect(field('records')).toBe('1,000,000');
    expect(field('at')).toBe('2026-12-04 09:15:02 UTC');
    expect(page).toContain('<span id="live-state"');
  });

  it('draws one stacked bar per second, scaled to the busiest', () => {
    const rects = [
      ...flat.matchAll(
        /<rect class="bar-(\w+)" x="[\d.]+" y="([\d.]+)" width="[\d.]+" height="([\d.]+)"/g,
      ),
    ];
    expect(rects.map((m) => [m[1], Number(m[2]), Number(m[3])])).toEqual([
      ['accepted', 30, 90],
      ['refused', 0, 30],
      ['accepted', 120, 0],
      ['refused', 120, 0],
    ]);
  });

  it('loads its script and stylesheet from the assets path', () => {
    expect(page).toContain('<script src="/static/console.js" defer></script>');
    expect(page).toContain('<link rel="stylesheet" href="/static/console.css"');
  });
});
