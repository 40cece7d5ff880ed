import type { MessageStoryView, StorySearch } from '../console-model';
import { formatBytes, formatCount, formatMs, NOT_KNOWN } from './format';
import { html, type SafeHtml } from './html';
import { renderLayout } from './layout';
import type { PageContext } from './page-context';
import { renderWaterfall } from './story-waterfall';

/** `/messages?q=<id>`: the story of a message or of a trace. */
export function storyHref(query: string): string {
  return `/messages?q=${encodeURIComponent(query)}`;
}

/** The trace viewer's address for a trace: `{traceId}` replaced, URL-encoded; null without a template. */
export function traceHref(template: string | null, traceId: string): string | null {
  if (template === null || traceId === '') return null;
  return template.replaceAll('{traceId}', encodeURIComponent(traceId));
}

function renderSearchForm(query: string): SafeHtml {
  return html`<form class="search" method="get" action="/messages" role="search">
    <label for="q">Message id or trace id</label>
    <input
      id="q"
      name="q"
      type="search"
      value="${query}"
      required
      autocomplete="off"
      spellcheck="false"
    />
    <button type="submit">Find</button>
  </form>`;
}

function renderStoryHeader(story: MessageStoryView, traceUrlTemplate: string | null): SafeHtml {
  const trace = traceHref(traceUrlTemplate, story.traceId);
  const traceId = story.traceId === '' ? NOT_KNOWN : html`<code>${story.traceId}</code>`;
  const span = story.spanMs === null ? NOT_KNOWN : `${formatMs(story.spanMs)} ms`;
  return html`<h2>Message <code>${story.messageId}</code></h2>
    <dl class="facts">
      <div>
        <dt>Type</dt>
        <dd>${story.messageType}</dd>
      </div>
      <div>
        <dt>Origin</dt>
        <dd>${story.origin}</dd>
      </div>
      <div>
        <dt>Trace id</dt>
        <dd>
          ${trace === null ? traceId : html`<a class="trace-link" href="${trace}" rel="noopener noreferrer">${traceId}</a>`}
        </dd>
      </div>
      <div>
        <dt>First to last hop</dt>
        <dd>${span} over ${formatCount(story.hops.length)} records</dd>
      </div>
      <div class="wide">
        <dt>Payload SHA-256</dt>
        <dd>
          <code class="hash">${story.payloadSha256}</code> · ${formatBytes(story.payloadSize)}<br /><span
            class="muted"
            >payload not shown: operators see metadata only</span
          >
        </dd>
      </div>
    </dl>`;
}

function renderStory(story: MessageStoryView, traceUrlTemplate: string | null): SafeHtml {
  return html`<article
    class="panel story"
    data-message-id="${story.messageId}"
    data-origin="${story.origin}"
  >
    ${renderStoryHeader(story, traceUrlTemplate)} ${renderWaterfall(story)}
  </article>`;
}

function renderResults(search: StorySearch, traceUrlTemplate: string | null): SafeHtml {
  const count = search.stories.length;
  if (count === 0) {
    return html`<div class="panel notice" id="not-found">
      <p>
        No message <q>${search.query}</q> in the ${formatCount(search.messagesHeld)} messages the
        console holds.
      </p>
      <p class="hint">
        The console holds the most recent messages only:
        <code>intelroute audit trace ${search.query}</code> reads the whole trail.
      </p>
    </div>`;
  }
  const by = search.matchedBy === null ? '' : ` by ${search.matchedBy}`;
  return html`<p class="found">
      Found ${formatCount(count)} ${count === 1 ? 'message' : 'messages'}${by}.
    </p>
    ${search.stories.map((story) => renderStory(story, traceUrlTemplate))}`;
}

/**
 * The messages page: a search form, then each message found with its waterfall of hops.
 * `traceUrlTemplate` (with `{traceId}`) links trace ids to a trace viewer when not null.
 */
export function renderStoryPage(
  ctx: PageContext,
  search: StorySearch | null,
  traceUrlTemplate: string | null,
): string {
  const results =
    search === null
      ? html`<p class="hint">
          Give a message id (as its sender wrote it) or a trace id to follow every hop the audit
          trail records: received, routed, delivered, refused.
        </p>`
      : renderResults(search, traceUrlTemplate);
  const main = html`<div class="page-head"><h1>Messages</h1></div>
    ${renderSearchForm(search?.query ?? '')} ${results}`;
  const title = search === null ? 'Messages' : `Message ${search.query}`;
  return renderLayout(ctx, { title, section: 'messages', main });
}
