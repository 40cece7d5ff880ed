import type { AuditFlow, CountRow, FlowEdge, IndexTotals, ReaderLag } from '../console-model';
import { formatCount } from './format';
import { html, type SafeHtml } from './html';

/**
 * The flow page's tables. console.js rebuilds each tbody (by id) with the same rows and the
 * same data attributes on every live update: change both together.
 */

function emptyRow(columns: number, text: string): SafeHtml {
  return html`<tr class="empty">
    <td colspan="${columns}">${text}</td>
  </tr>`;
}

function table(
  id: string,
  caption: string,
  headers: SafeHtml,
  rows: readonly SafeHtml[],
): SafeHtml {
  return html`<table id="${id}">
    <caption>
      ${caption}
    </caption>
    <thead>
      <tr>
        ${headers}
      </tr>
    </thead>
    <tbody id="${id}-body">
      ${rows}
    </tbody>
  </table>`;
}

/** `refusals?reason=X`, the refusals page filtered to one reason. */
export function refusalsByReasonHref(reason: string): string {
  return `/refusals?reason=${encodeURIComponent(reason)}`;
}

export function renderSendersTable(rows: readonly CountRow[]): SafeHtml {
  const body = rows.map(
    (r) =>
      html`<tr data-sender="${r.key}">
        <th scope="row">${r.key}</th>
        <td class="num">${formatCount(r.count)}</td>
      </tr>`,
  );
  return table(
    'senders',
    'Accepted by sender',
    html`<th scope="col">Sender</th>
      <th scope="col" class="num">Accepted</th>`,
    body.length > 0 ? body : [emptyRow(2, 'Nothing accepted in the window')],
  );
}

export function renderReasonsTable(rows: readonly CountRow[]): SafeHtml {
  const body = rows.map(
    (r) =>
      html`<tr data-reason="${r.key}">
        <th scope="row"><a href="${refusalsByReasonHref(r.key)}">${r.key}</a></th>
        <td class="num">${formatCount(r.count)}</td>
      </tr>`,
  );
  return table(
    'reasons',
    'Refusals by reason',
    html`<th scope="col">Reason</th>
      <th scope="col" class="num">Refused</th>`,
    body.length > 0 ? body : [emptyRow(2, 'Nothing refused in the window')],
  );
}

export function renderReadersTable(readers: readonly ReaderLag[]): SafeHtml {
  const body = readers.map(
    (r) =>
      html`<tr data-group="${r.group}" data-topic="${r.topic}">
        <th scope="row">${r.group}</th>
        <td>${r.topic}</td>
        <td class="num">${formatCount(r.lag)}</td>
      </tr>`,
  );
  return table(
    'readers',
    'Readers: lag behind the end of each topic',
    html`<th scope="col">Group</th>
      <th scope="col">Topic</th>
      <th
        scope="col"
        class="num"
        title="Records behind the committed offset, as Kafka counts them: the commit marker after a transaction's last record counts 1 until more is written"
      >
        Lag
      </th>`,
    body.length > 0 ? body : [emptyRow(3, 'No reader groups known')],
  );
}

/** The flow picture's edges as a table: the picture's fallback without script, and for screen readers. */
export function renderEdgesTable(flow: AuditFlow): SafeHtml {
  const edgeRow = (hop: string, e: FlowEdge): SafeHtml =>
    html`<tr data-hop="${hop}" data-from="${e.from}" data-to="${e.to}">
      <td>${e.from}</td>
      <td>${e.to}</td>
      <td class="num">${formatCount(e.count)}</td>
    </tr>`;
  const body = [
    ...flow.senderToTopic.map((e) => edgeRow('sender-topic', e)),
    ...flow.topicToReader.map((e) => edgeRow('topic-reader', e)),
  ];
  return table(
    'edges',
    'Messages from sender to topic, and from topic to reader',
    html`<th scope="col">From</th>
      <th scope="col">To</th>
      <th scope="col" class="num">Messages</th>`,
    body.length > 0 ? body : [emptyRow(3, 'No flow in the window')],
  );
}

export function renderTotals(totals: IndexTotals): SafeHtml {
  const item = (field: keyof IndexTotals, label: string): SafeHtml =>
    html`<div>
      <dt>${label}</dt>
      <dd data-field="${field}">${formatCount(totals[field])}</dd>
    </div>`;
  return html`<dl class="totals">
    ${[
      item('records', 'Audit records read'),
      item('unreadable', 'Unreadable records'),
      item('messagesHeld', 'Messages held'),
      item('messagesEvicted', 'Messages let go'),
    ]}
  </dl>`;
}
