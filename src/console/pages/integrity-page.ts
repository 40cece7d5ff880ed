import type { ChainView, IntegrityView } from '../console-model';
import { formatCount, formatTime, NOT_KNOWN } from './format';
import { html, type SafeHtml } from './html';
import { renderLayout } from './layout';
import type { PageContext } from './page-context';

/** While a verification runs, the page reloads itself this often (seconds) to show the result. */
const RUNNING_REFRESH_SECONDS = 2;

function renderLastRun(lastRun: IntegrityView['lastRun'], running: boolean): SafeHtml {
  if (lastRun === null) {
    return html`<p id="last-run" data-state="none">No verification since the console started.</p>`;
  }
  const state = running || lastRun.ok === null ? 'running' : lastRun.ok ? 'ok' : 'failed';
  const problems = lastRun.problems.map((p) => html`<li>${p}</li>`);
  return html`<div id="last-run" data-state="${state}">
    <p class="verdict" data-tone="${state === 'ok' ? 'ok' : state === 'failed' ? 'bad' : 'warn'}">
      ${state}
    </p>
    <dl class="facts">
      <div>
        <dt>Started</dt>
        <dd>${formatTime(lastRun.startedAt)}</dd>
      </div>
      <div>
        <dt>Finished</dt>
        <dd>${formatTime(lastRun.finishedAt)}</dd>
      </div>
      <div>
        <dt>Records checked</dt>
        <dd>${formatCount(lastRun.records)}</dd>
      </div>
    </dl>
    ${
      problems.length > 0 &&
      html`<h3>Problems</h3>
        <ul class="problems">
          ${problems}
        </ul>`
    }
    ${lastRun.error !== null && html`<p class="error">The verification could not finish: ${lastRun.error}</p>`}
  </div>`;
}

function renderVerdict(verified: ChainView['verified']): SafeHtml {
  if (verified === null) return html`<td data-tone="none">not verified yet</td>`;
  if (verified.ok)
    return html`<td data-tone="ok">ok, ${formatCount(verified.records)} records</td>`;
  return html`<td data-tone="bad">${verified.problem ?? 'failed'}</td>`;
}

function renderChainRow(chain: ChainView): SafeHtml {
  return html`<tr data-chain="${chain.chainId}">
    <th scope="row"><code>${chain.chainId}</code></th>
    <td class="num">${formatCount(chain.length)}</td>
    <td class="num">${chain.lastSequence ?? NOT_KNOWN}</td>
    <td>${formatTime(chain.lastAt)}</td>
    ${renderVerdict(chain.verified)}
    <td><code>${chain.verified?.head ?? NOT_KNOWN}</code></td>
  </tr>`;
}

/** The integrity page: the last verification, a button to run one, and every chain's state. */
export function renderIntegrityPage(ctx: PageContext, view: IntegrityView): string {
  const button = view.running
    ? html`<button type="submit" disabled>Verify now</button>
        <span class="muted" role="status">verification running…</span>`
    : html`<button type="submit">Verify now</button>`;
  const rows =
    view.chains.length > 0
      ? view.chains.map(renderChainRow)
      : [
          html`<tr class="empty">
            <td colspan="6">No chain read yet</td>
          </tr>`,
        ];
  const main = html`<div class="page-head"><h1>Integrity</h1></div>
    <section class="panel" aria-labelledby="last-run-title">
      <h2 id="last-run-title">Last verification</h2>
      ${renderLastRun(view.lastRun, view.running)}
      <form class="verify" method="post" action="/integrity/verify">${button}</form>
      <p class="hint">
        Verification reads every chain of the audit trail again, checks each record's hash link and
        the signed heads.
      </p>
    </section>
    <section class="panel scroll">
      <table id="chains">
        <caption>
          Audit chains, one per writer
        </caption>
        <thead>
          <tr>
            <th scope="col">Chain (writer)</th>
            <th scope="col" class="num">Length</th>
            <th scope="col" class="num">Last sequence</th>
            <th scope="col">Last record</th>
            <th scope="col">Verified</th>
            <th scope="col">Head</th>
          </tr>
        </thead>
        <tbody>
          ${rows}
        </tbody>
      </table>
    </section>`;
  return renderLayout(ctx, {
    title: 'Integrity',
    section: 'integrity',
    main,
    ...(view.running && { refreshSeconds: RUNNING_REFRESH_SECONDS }),
  });
}
