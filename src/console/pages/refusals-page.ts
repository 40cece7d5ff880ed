import type { RefusalFilter, RefusalList, RefusalView } from '../console-model';
import { formatBytes, formatCount, formatTime, NOT_KNOWN, shortHash } from './format';
import { html, type SafeHtml } from './html';
import { renderLayout } from './layout';
import type { PageContext } from './page-context';
import { storyHref } from './story-page';

const KINDS: readonly RefusalView['kind'][] = ['refused', 'dead-lettered', 'subscribe-refused'];

/**
 * A select whose first option ("any") is the empty value. A chosen value missing from the
 * choices is added so the page still shows what it filters by.
 */
function renderSelect(
  name: string,
  label: string,
  choices: readonly string[],
  chosen: string | undefined,
): SafeHtml {
  const values = chosen && !choices.includes(chosen) ? [chosen, ...choices] : choices;
  const options = values.map(
    (v) => html`<option value="${v}" ${v === chosen && html` selected`}>${v}</option>`,
  );
  return html`<div class="field">
    <label for="${name}">${label}</label
    ><select id="${name}" name="${name}">
      <option value="" ${!chosen && html` selected`}>any</option>
      ${options}
    </select>
  </div>`;
}

function renderFilterForm(list: RefusalList, filter: RefusalFilter): SafeHtml {
  return html`<form class="filters" method="get" action="/refusals">
    ${renderSelect('reason', 'Reason', list.reasons, filter.reason)}
    ${renderSelect('sender', 'Sender', list.senders, filter.sender)}
    ${renderSelect('kind', 'Kind', KINDS, filter.kind)}
    <button type="submit">Filter</button> <a href="/refusals">Clear</a>
  </form>`;
}

function renderRow(r: RefusalView): SafeHtml {
  const fields = r.fields.map((f, i) => html`${i > 0 && ', '}<code>${f}</code>`);
  const messageId =
    r.messageId === ''
      ? NOT_KNOWN
      : html`<a href="${storyHref(r.messageId)}"><code>${r.messageId}</code></a>`;
  return html`<tr data-reason="${r.reason}" data-kind="${r.kind}">
    <td>
      ${r.at === null ? NOT_KNOWN : html`<time datetime="${r.at}">${formatTime(r.at)}</time>`}
    </td>
    <td>${r.kind}</td>
    <td>
      <span class="reason">${r.reason}</span
      >${r.description !== '' && html`<br /><span class="muted">${r.description}</span>`}
    </td>
    <td>${r.sender}</td>
    <td>${r.identity}</td>
    <td>${messageId}</td>
    <td>${r.messageType}</td>
    <td>${fields.length > 0 ? fields : NOT_KNOWN}</td>
    <td>
      <code class="hash" title="${r.payloadSha256}">${shortHash(r.payloadSha256)}</code><br /><span
        class="muted"
        >${formatBytes(r.payloadSize)}</span
      >
    </td>
  </tr>`;
}

/** The refusals page: filters, then the latest refusals, dead letters and refused reads, newest first. */
export function renderRefusalsPage(
  ctx: PageContext,
  list: RefusalList,
  filter: RefusalFilter,
): string {
  const rows =
    list.items.length > 0
      ? list.items.map(renderRow)
      : [
          html`<tr class="empty">
            <td colspan="9">No refusal matches these filters</td>
          </tr>`,
        ];
  const main = html`<div class="page-head"><h1>Refusals</h1></div>
    ${renderFilterForm(list, filter)}
    <p class="count" id="refusals-count">
      showing ${formatCount(list.items.length)} of ${formatCount(list.held)} held
    </p>
    <div class="panel scroll">
      <table id="refusals">
        <caption>
          Refused messages, dead letters and refused reads, newest first
        </caption>
        <thead>
          <tr>
            <th scope="col">Time</th>
            <th scope="col">Kind</th>
            <th scope="col">Reason</th>
            <th scope="col">Sender</th>
            <th scope="col">Identity</th>
            <th scope="col">Message id</th>
            <th scope="col">Type</th>
            <th scope="col">Fields at fault</th>
            <th scope="col">Payload SHA-256, size</th>
          </tr>
        </thead>
        <tbody>
          ${rows}
        </tbody>
      </table>
    </div>`;
  return renderLayout(ctx, { title: 'Refusals', section: 'refusals', main });
}
