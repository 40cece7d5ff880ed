import type { HopEvent, MessageStoryView, StoryHop } from '../console-model';
import type { Tone } from './flow-cards';
import { formatMs, formatTime, NOT_KNOWN } from './format';
import { html, type SafeHtml } from './html';

/** The waterfall bar's width in SVG units (each row's own small SVG: no inline styles under the CSP). */
const BAR_WIDTH = 1000;
/** The narrowest bar, so a hop at the same millisecond as the previous one is still visible. */
const MIN_BAR = 6;

const EVENT_TONES: Readonly<Partial<Record<HopEvent, Tone>>> = {
  REFUSED: 'bad',
  DEAD_LETTERED: 'bad',
  SUBSCRIBE_REFUSED: 'bad',
  DUPLICATE: 'warn',
  ROUTED: 'ok',
  DELIVERED: 'ok',
  ACKED: 'ok',
};

/** The bar from the previous timed hop to this one, as a fraction of the story's span. */
function renderBar(hop: StoryHop, spanMs: number | null, tone: Tone): SafeHtml {
  if (hop.offsetMs === null) return html`<span class="muted">no time</span>`;
  const scale = spanMs !== null && spanMs > 0 ? BAR_WIDTH / spanMs : 0;
  const end = Math.min(BAR_WIDTH, hop.offsetMs * scale);
  const start = Math.max(0, (hop.offsetMs - (hop.sincePreviousMs ?? 0)) * scale);
  const width = Math.max(MIN_BAR, end - start);
  const x = Math.min(start, BAR_WIDTH - width);
  return html`<svg
    class="bar"
    data-tone="${tone}"
    viewBox="0 0 ${BAR_WIDTH} 12"
    preserveAspectRatio="none"
    aria-hidden="true"
  >
    <rect x="${Math.round(x)}" y="0" width="${Math.round(width)}" height="12" />
  </svg>`;
}

function renderWho(hop: StoryHop): SafeHtml {
  const reader = hop.reader !== '' && hop.reader !== hop.identity;
  return html`${hop.identity === '' ? NOT_KNOWN : hop.identity}${reader && html`<br /><span class="muted">reader ${hop.reader}</span>`}`;
}

function renderDetails(hop: StoryHop): SafeHtml {
  const locations = hop.locations.map(
    (l) => html`<li><code>${l.topic}[${l.partition}]@${l.offset}</code></li>`,
  );
  const notTaken = hop.routesNotTaken.map(
    (r) =>
      html`<li>
        <code>${r.topic}</code>: <span class="reason">${r.reason}</span> ${r.description}
      </li>`,
  );
  const fields = hop.fields.map((f, i) => html`${i > 0 && ', '}<code>${f}</code>`);
  return html`${
      locations.length > 0 &&
      html`<ul class="locations">
        ${locations}
      </ul>`
    }
    ${
      notTaken.length > 0 &&
      html`<p class="label">Routes not taken</p>
        <ul class="not-taken">
          ${notTaken}
        </ul>`
    }
    ${(hop.reason !== '' || hop.description !== '') && html`<p><span class="reason">${hop.reason}</span> ${hop.description}</p>`}
    ${fields.length > 0 && html`<p>Fields at fault: ${fields}</p>`}
    ${hop.ruleId !== '' && html`<p>Rule <code>${hop.ruleId}</code></p>`}
    <p class="muted">chain <code>${hop.chainId}</code> #${hop.sequence}</p>`;
}

function renderHop(hop: StoryHop, spanMs: number | null): SafeHtml {
  const since =
    hop.sincePreviousMs === null
      ? ''
      : `${formatMs(hop.sincePreviousMs)} ms after the previous hop`;
  const tone = EVENT_TONES[hop.event] ?? 'none';
  return html`<tr data-event="${hop.event}">
    <th scope="row"><span class="event" data-tone="${tone}">${hop.event}</span></th>
    <td>
      ${hop.at === null ? NOT_KNOWN : html`<time datetime="${hop.at}">${formatTime(hop.at)}</time>`}
    </td>
    <td class="num" title="${since}">
      ${hop.offsetMs === null ? NOT_KNOWN : `+${formatMs(hop.offsetMs)}`}
    </td>
    <td class="timeline">${renderBar(hop, spanMs, tone)}</td>
    <td>${renderWho(hop)}</td>
    <td class="details">${renderDetails(hop)}</td>
  </tr>`;
}

/** One row per audit record of the story, in the order given (the order things happened). */
export function renderWaterfall(story: MessageStoryView): SafeHtml {
  return html`<table class="waterfall">
    <caption>
      Every hop the audit trail records, in order
    </caption>
    <thead>
      <tr>
        <th scope="col">Event</th>
        <th scope="col">Time</th>
        <th scope="col" class="num">+ms</th>
        <th scope="col">Timeline</th>
        <th scope="col">Who</th>
        <th scope="col">Details</th>
      </tr>
    </thead>
    <tbody>
      ${story.hops.map((hop) => renderHop(hop, story.spanMs))}
    </tbody>
  </table>`;
}
