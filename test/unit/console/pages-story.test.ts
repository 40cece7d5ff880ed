import type { MessageStoryView, StoryHop, StorySearch } from '../../../src/console/console-model';
import { renderStoryPage, type PageContext } from '../../../src/console/pages';

const ctx: PageContext = { operator: 'urn:intelroute:ops:alice', assetsPath: '/assets' };

function hop(event: StoryHop['event'], offsetMs: number, sincePreviousMs: number | null): StoryHop {
  return {
    event,
    at: new Date(Date.UTC(2026, 11, 4, 9, 15, 2) + offsetMs).toISOString(),
    offsetMs,
    sincePreviousMs,
    identity: 'urn:intelroute:ncb:FR',
    reader: '',
    chainId: 'gateway-1',
    sequence: String(10 + offsetMs),
    locations: [],
    routesNotTaken: [],
    ruleId: '',
    reason: '',
    description: '',
    fields: [],
  };
}

// A trace id with characters a URL must encode, so the test sees the encoding.
const story: MessageStoryView = {
  messageId: 'msg-42',
  messageType: 'online-vendor-report',
  origin: 'FR',
  traceId: 'trace/1?x=&y',
  payloadSha256: 'ab'.repeat(32),
  payloadSize: 2048,
  spanMs: 140,
  hops: [
    hop('RECEIVED', 0, null),
    {
      ...hop('ROUTED', 4, 4),
      locations: [{ topic: 'intelroute.secretariat', partition: 2, offset: '1234' }],
      routesNotTaken: [
        {
          topic: 'intelroute.country.US.inbox',
          reason: 'RESTRICTED_TO_EXCLUDES',
          description: 'US is not in restricted_to',
        },
      ],
      ruleId: 'default-online-vendor-report',
    },
    { ...hop('DELIVERED', 80, 76), identity: 'sec-reader-0', reader: 'secretariat-reader' },
    { ...hop('DEAD_LETTERED', 140, 60), reason: 'SCHEMA_INVALID', fields: ['/subjects/0'] },
  ],
};

const found: StorySearch = {
  query: 'msg-42',
  matchedBy: 'message id',
  stories: [story],
  messagesHeld: 9,
};

describe('story page', () => {
  it('renders every hop in order, with what each hop says', () => {
    const page = renderStoryPage(ctx, found, null);
    const events = [...page.matchAll(/<tr data-event="([A-Z_]+)"/g)].map((m) => m[1]);
    expect(events).toEqual(['RECEIVED', 'ROUTED', 'DELIVERED', 'DEAD_LETTERED']);
    expect(page).toContain('intelroute.secretariat[2]@1234');
    expect(page).toContain('RESTRICTED_TO_EXCLUDES');
    expect(page).toContain('default-online-vendor-report');
    expect(page).toContain('reader secretariat-reader');
    expect(page).toContain('/subjects/0');
    expect(page).toContain('payload not shown: operators see metadata only');
    expect(page).toContain('ab'.repeat(32));
  });

  it('places each bar by its offset within the span', () => {
    const page = renderStoryPage(ctx, found, null);
    const bars = [...page.matchAll(/<rect x="(\d+)" y="0" width="(\d+)"/g)].map((m) => [
      Number(m[1]),
      Number(m[2]),
    ]);
    // 1000 units for 140 ms: DELIVERED runs from 4 ms to 80 ms, DEAD_LETTERED from 80 to 140.
    expect(bars[2]).toEqual([29, 543]);
    expect(bars[3]).toEqual([571, 429]);
  });

  it('links the trace id, URL-encoded, only when a trace viewer is configured', () => {
    const linked = renderStoryPage(ctx, found, 'https://traces.example/trace/{traceId}?view=1');
    expect(linked).toContain('href="https://traces.example/trace/trace%2F1%3Fx%3D%26y?view=1"');
    const plain = renderStoryPage(ctx, found, null);
    expect(plain).not.toContain('traces.example');
    expect(plain).not.toContain('trace-link');
    expect(plain).toContain('trace/1?x=&amp;y');
  });

  it('says where else to look when nothing is found', () => {
    const none: StorySearch = {
      query: 'msg-404',
      matchedBy: null,
      stories: [],
      messagesHeld: 12345,
    };
    const page = renderStoryPage(ctx, none, null).replace(/\s+/g, ' ');
    expect(page).toMatch(/No message <q>msg-404<\/q> in the 12,345 messages the console holds/);
    expect(page).toContain('<code>intelroute audit trace msg-404</code>');
    expect(page).not.toContain('data-event');
  });

  it('shows only the search form before a search', () => {
    const page = renderStoryPage(ctx, null, null);
    expect(page).toMatch(/<form class="search" method="get" action="\/messages"/);
    expect(page).toMatch(/<label for="q">Message id or trace id<\/label>/);
    expect(page).toContain('name="q"');
    expect(page).not.toContain('No message');
  });
});
