import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Script } from 'node:vm';
import type {
  FlowSnapshot,
  IntegrityView,
  RefusalList,
  StorySearch,
} from '../../../src/console/console-model';
import {
  renderErrorPage,
  renderFlowPage,
  renderIntegrityPage,
  renderRefusalsPage,
  renderStoryPage,
  type PageContext,
} from '../../../src/console/pages';

// What a sender or a misbehaving component could put in any string the console shows.
const HOSTILE = `<script>alert(1)</script>"'&x`;
const ASSETS = join(__dirname, '../../../src/console/assets');

/** Every page's data with `text` in every free string field (times included). */
function pagesWith(text: string) {
  const hop = {
    at: text,
    offsetMs: 0,
    sincePreviousMs: null,
    identity: text,
    reader: `${text}-reader`,
    chainId: text,
    sequence: text,
    locations: [{ topic: text, partition: 0, offset: text }],
    routesNotTaken: [{ topic: text, reason: text, description: text }],
    ruleId: text,
    reason: text,
    description: text,
    fields: [text],
  };
  const count = { key: text, count: 1234 };
  const edge = { from: text, to: text, count: 7 };
  const snapshot: FlowSnapshot = {
    at: text,
    windowSeconds: 60,
    series: [{ second: 1_780_000_000, accepted: 3, refused: 1 }],
    acceptedPerSecond: 3,
    refusedPerSecond: 1,
    bySender: [count],
    refusalsByReason: [count],
    senderToTopic: [edge],
    topicToReader: [edge],
    totals: { records: 1, unreadable: 0, messagesHeld: 1, messagesEvicted: 0 },
    ackLatency: null,
    readers: [{ group: text, topic: text, lag: 5 }],
    health: {
      gateway: 'serving',
      brokers: { state: 'up', count: 1, detail: text },
      auditTail: { state: 'live', behind: 0 },
    },
  };
  const search: StorySearch = {
    query: text,
    matchedBy: 'message id',
    messagesHeld: 1,
    stories: [
      {
        messageId: text,
        messageType: text,
        origin: text,
        traceId: text,
        payloadSha256: text,
        payloadSize: 10,
        spanMs: 5,
        hops: [
          { ...hop, event: 'ROUTED' },
          { ...hop, event: 'DEAD_LETTERED', offsetMs: 5, sincePreviousMs: 5 },
        ],
      },
    ],
  };
  const refusals: RefusalList = {
    held: 1,
    reasons: [text],
    senders: [text],
    items: [
      {
        kind: 'refused',
        at: text,
        messageId: text,
        messageType: text,
        origin: text,
        sender: text,
        identity: text,
        reason: text,
        description: text,
        fields: [text],
        payloadSha256: text,
        payloadSize: 10,
        traceId: text,
      },
    ],
  };
  const verified = { ok: false, records: 1, head: text, problem: text };
  const integrity: IntegrityView = {
    running: false,
    lastRun: {
      startedAt: text,
      finishedAt: text,
      ok: false,
      records: 1,
      problems: [text],
      error: text,
    },
    chains: [{ chainId: text, length: 1, lastSequence: text, lastAt: text, verified }],
  };
  const ctx: PageContext = { operator: text, assetsPath: '/assets' };
  return {
    flow: renderFlowPage(ctx, snapshot),
    story: renderStoryPage(ctx, search, 'https://traces.example/{traceId}'),
    refusals: renderRefusalsPage(ctx, refusals, { reason: text, sender: text, kind: 'refused' }),
    integrity: renderIntegrityPage(ctx, integrity),
    running: renderIntegrityPage(ctx, { ...integrity, running: true }),
    error: renderErrorPage(ctx, 400, text, text),
    errorWithoutContext: renderErrorPage(null, 403, 'Forbidden', 'This console is for operators'),
    snapshot,
  };
}

const unescape = (value: string): string =>
  value
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');

/** The values of an attribute across a document, as the browser reads them. */
function attributeValues(page: string, name: string): string[] {
  return [...page.matchAll(new RegExp(`\\s${name}="([^"]*)"`, 'g'))].map((m) => unescape(m[1]!));
}

describe('console pages with hostile strings', () => {
  const { snapshot, ...pages } = pagesWith(HOSTILE);

  it.each(Object.entries(pages))('%s page has no markup from the data', (_name, page) => {
    expect(page).not.toContain('<script>alert');
    expect(page).not.toMatch(/"'&x/); // the quote would end an attribute
  });

  it('keeps hostile values whole inside attributes', () => {
    for (const name of ['data-sender', 'data-reason', 'data-group', 'data-from', 'data-to']) {
      expect(new Set(attributeValues(pages.flow, name))).toEqual(new Set([HOSTILE]));
    }
    expect(attributeValues(pages.refusals, 'data-reason')).toContain(HOSTILE);
    expect(attributeValues(pages.refusals, 'title')).toContain(HOSTILE);
    expect(attributeValues(pages.integrity, 'data-chain')).toEqual([HOSTILE]);
    expect(attributeValues(pages.story, 'data-message-id')).toEqual([HOSTILE]);
    expect(attributeValues(pages.story, 'value')).toEqual([HOSTILE]); // the search box
  });

  it('the flow JSON block cannot be closed by a value, and reads back as the snapshot', () => {
    const open = '<script type="application/json" id="flow-snapshot">';
    const start = pages.flow.indexOf(open) + open.length;
    const end = pages.flow.indexOf('</script>', start);
    expect(JSON.parse(pages.flow.slice(start, end))).toEqual(snapshot);
    expect(pages.flow.slice(start, end)).not.toMatch(/[<>]/);
  });
});

describe('console pages under the Content-Security-Policy', () => {
  const { snapshot: _snapshot, ...pages } = pagesWith('plain');

  it.each(Object.entries(pages))('%s page has no inline style, handler or script', (_n, page) => {
    expect(page).not.toMatch(/\sstyle\s*=/i);
    expect(page).not.toMatch(/<style/i);
    expect(page).not.toMatch(/\son[a-z]+\s*=/i);
    expect(page).not.toMatch(/javascript:/i);
    for (const [, attributes, body] of page.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)) {
      const external = /\ssrc="\/assets\/console\.js"/.test(attributes!) && body!.trim() === '';
      expect(external || attributes!.includes('type="application/json"')).toBe(true);
    }
  });

  it.each(Object.entries(pages))('%s page is a whole document with the footer', (_n, page) => {
    expect(page.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(page).toContain('<html lang="en">');
    expect(page).toContain('<meta charset="utf-8"');
    expect(page).toContain('name="viewport"');
    expect(page).toContain(
      "Operators see the audit trail's metadata: never payloads or selectors.",
    );
  });

  it('marks the current section in the navigation', () => {
    expect(pages.refusals).toMatch(/<a href="\/refusals"\s+aria-current="page">/);
    expect(pages.refusals.match(/aria-current/g)).toHaveLength(1);
    expect(pages.errorWithoutContext).not.toContain('aria-current');
  });

  it('console.js parses, builds DOM without HTML strings, and fetches nothing from elsewhere', () => {
    const source = readFileSync(join(ASSETS, 'console.js'), 'utf8');
    expect(() => new Script(source, { filename: 'console.js' })).not.toThrow();
    expect(source).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(/);
    expect(source).toContain("new EventSource('/events')");
    const css = readFileSync(join(ASSETS, 'console.css'), 'utf8');
    expect(css).not.toMatch(/@import|url\(/);
  });
});
