import type { FlowSnapshot, HealthView } from '../console-model';
import { formatCount, formatMs, formatRate } from './format';
import { html, type SafeHtml } from './html';

/** How a state reads at a glance; the stylesheet colours `data-tone`. console.js has the same map. */
export type Tone = 'ok' | 'warn' | 'bad' | 'none';

const TONES: Readonly<Record<string, Tone>> = {
  serving: 'ok',
  up: 'ok',
  live: 'ok',
  'not ready': 'warn',
  'catching up': 'warn',
  starting: 'warn',
  down: 'bad',
};

/** The tone of a health state; states not listed (absent, unknown) are neutral. */
export function toneOf(state: string): Tone {
  return TONES[state] ?? 'none';
}

function stateValue(field: string, state: string): SafeHtml {
  return html`<p class="value state" data-field="${field}" data-tone="${toneOf(state)}">
    ${state}
  </p>`;
}

/** The cards at the top of the flow page; each live value carries the data-field console.js updates. */
export function renderFlowCards(snapshot: FlowSnapshot): SafeHtml {
  const { ackLatency, health } = snapshot;
  return html`<section class="cards" aria-label="Now">
    <div class="card">
      <h2>Accepted</h2>
      <p class="value">
        <span data-field="acceptedPerSecond">${formatRate(snapshot.acceptedPerSecond)}</span>
        <span class="unit">/s</span>
      </p>
      <p class="sub">mean of the last 10 s</p>
    </div>
    <div class="card card-refused">
      <h2>Refused</h2>
      <p class="value">
        <span data-field="refusedPerSecond">${formatRate(snapshot.refusedPerSecond)}</span>
        <span class="unit">/s</span>
      </p>
      <p class="sub">mean of the last 10 s</p>
    </div>
    <div class="card">
      <h2>Ack latency</h2>
      <p class="value">
        <span data-field="ackP50">${formatMs(ackLatency?.p50Ms ?? null)}</span> /
        <span data-field="ackP99">${formatMs(ackLatency?.p99Ms ?? null)}</span>
        <span class="unit">ms</span>
      </p>
      <p class="sub">p50 / p99, publish to ack</p>
    </div>
    ${renderHealthCards(health)}
  </section>`;
}

function renderHealthCards(health: HealthView): SafeHtml {
  const behind = health.auditTail.behind;
  return html`<div class="card">
      <h2>Gateway</h2>
      ${stateValue('gateway', health.gateway)}
      <p class="sub">in this process</p>
    </div>
    <div class="card">
      <h2>Brokers</h2>
      ${stateValue('brokersState', health.brokers.state)}
      <p class="sub" data-field="brokersDetail">${health.brokers.detail}</p>
    </div>
    <div class="card">
      <h2>Audit tail</h2>
      ${stateValue('auditTailState', health.auditTail.state)}
      <p class="sub">
        <span data-field="auditTailBehind">${formatCount(behind)}</span> records behind
      </p>
    </div>`;
}
