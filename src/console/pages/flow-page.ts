import type { FlowSnapshot } from '../console-model';
import { renderFlowCards } from './flow-cards';
import { renderFlowChart } from './flow-chart';
import {
  renderEdgesTable,
  renderReadersTable,
  renderReasonsTable,
  renderSendersTable,
  renderTotals,
} from './flow-tables';
import { formatTime } from './format';
import { html, jsonScript } from './html';
import { renderLayout } from './layout';
import type { PageContext } from './page-context';

/** Id of the JSON block holding the first snapshot, which console.js draws before the stream starts. */
export const FLOW_SNAPSHOT_ID = 'flow-snapshot';

/**
 * The flow page: rates, health, the senders -> topics -> readers picture, the per-second chart
 * and the tables. console.js keeps it live from `GET /events` (`event: flow`).
 */
export function renderFlowPage(ctx: PageContext, snapshot: FlowSnapshot): string {
  const main = html`<div class="page-head">
      <h1>Flow</h1>
      <p class="as-of">
        Last <span data-field="windowSeconds">${snapshot.windowSeconds}</span> seconds of the audit
        trail, as of <time data-field="at">${formatTime(snapshot.at)}</time>
        <span id="live-state" class="live" data-state="static" role="status">not live</span>
      </p>
    </div>
    ${renderFlowCards(snapshot)}
    <section class="panel" aria-labelledby="picture-title">
      <h2 id="picture-title">Senders → topics → readers</h2>
      <svg
        id="flow-picture"
        class="picture"
        viewBox="0 0 900 160"
        role="img"
        aria-label="Messages from senders to topics to readers; line width follows the count"
      ></svg>
      <p id="flow-picture-note" class="hint">
        The picture is drawn by the console's script; the table below lists the same flows.
      </p>
      <details>
        <summary>Flows as a table</summary>
        ${renderEdgesTable(snapshot)}
      </details>
    </section>
    <section class="panel" aria-labelledby="chart-title">
      <h2 id="chart-title">Accepted and refused per second</h2>
      ${renderFlowChart(snapshot.series, snapshot.windowSeconds)}
    </section>
    <div class="columns">
      <section class="panel scroll">${renderSendersTable(snapshot.bySender)}</section>
      <section class="panel scroll">${renderReasonsTable(snapshot.refusalsByReason)}</section>
      <section class="panel scroll">${renderReadersTable(snapshot.readers)}</section>
    </div>
    <section class="panel" aria-labelledby="totals-title">
      <h2 id="totals-title">The console's index</h2>
      ${renderTotals(snapshot.totals)}
    </section>
    ${jsonScript(FLOW_SNAPSHOT_ID, snapshot)}`;
  return renderLayout(ctx, { title: 'Flow', section: 'flow', main, withScript: true });
}
