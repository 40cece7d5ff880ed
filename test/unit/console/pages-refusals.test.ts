import type { RefusalList, RefusalView } from '../../../src/console/console-model';
import { renderRefusalsPage, type PageContext } from '../../../src/console/pages';

const ctx: PageContext = { operator: 'local operator (loopback)', assetsPath: '/assets' };

const refusal: RefusalView = {
  kind: 'refused',
  at: '2026-12-04T09:15:02.345Z',
  messageId: 'msg/9',
  messageType: 'seizure-report',
  origin: 'DE',
  sender: 'DE',
  identity: 'urn:intelroute:ncb:DE',
  reason: 'SCHEMA_INVALID',
  description: 'quantity must be a number',
  fields: ['/quantity', '/unit'],
  payloadSha256: '0123456789abcdef'.repeat(4),
  payloadSize: 1536,
  traceId: 't1',
};

const list: RefusalList = {
  held: 2500,
  reasons: ['SCHEMA_INVALID', 'ORIGIN_MISMATCH'],
  senders: ['DE', 'FR'],
  items: [refusal, { ...refusal, kind: 'dead-lettered', reason: 'ORIGIN_MISMATCH', at: null }],
};

const selectedOptions = (page: string): string[] =>
  [...page.matchAll(/<option value="([^"]*)"\s+selected>/g)].map((m) => m[1]!);

describe('refusals page', () => {
  it('preselects the filters it was given, and "any" for the others', () => {
    const page = renderRefusalsPage(ctx, list, {
      reason: 'ORIGIN_MISMATCH',
      kind: 'dead-lettered',
    });
    expect(selectedOptions(page)).toEqual(['ORIGIN_MISMATCH', '', 'dead-lettered']);
    expect(page).toMatch(/<form class="filters" method="get" action="\/refusals">/);
    expect(page).toMatch(/<select id="sender" name="sender">/);
  });

  it('keeps a filter the choices do not offer, so the page shows what it filters by', () => {
    const page = renderRefusalsPage(ctx, list, { sender: 'IT' });
    expect(selectedOptions(page)).toEqual(['', 'IT', '']);
  });

  it('lists each refusal with its metadata and a link to the message story', () => {
    const page = renderRefusalsPage(ctx, list, {});
    const rows = [...page.matchAll(/<tr data-reason="([^"]+)" data-kind="([^"]+)">/g)];
    expect(rows.map((m) => `${m[1]}/${m[2]}`)).toEqual([
      'SCHEMA_INVALID/refused',
      'ORIGIN_MISMATCH/dead-lettered',
    ]);
    expect(page).toContain('href="/messages?q=msg%2F9"');
    expect(page).toContain('2026-12-04 09:15:02 UTC');
    expect(page).toContain(`title="${refusal.payloadSha256}"`);
    expect(page).toContain('0123456789ab…');
    expect(page).toContain('1,536 bytes');
    expect(page).toContain('<code>/quantity</code>, <code>/unit</code>');
    expect(page).toContain('showing 2 of 2,500 held');
  });
});
