/*
 * intelroute ops console: keeps the flow page live. Reads the first snapshot from the page's
 * JSON block, then listens to GET /events (`event: flow`, a FlowSnapshot once a second) and
 * redraws the cards, tables, chart and picture. Builds DOM with createElement/textContent
 * only, never from HTML strings: the snapshot's strings come from senders. Formats like
 * pages/format.ts and draws like pages/flow-tables.ts and flow-chart.ts: change them together.
 */
'use strict';

(function () {
  const SVG_NS = 'http://www.w3.org/2000/svg';
  const CHART_WIDTH = 600;
  const CHART_HEIGHT = 120;
  const PICTURE = { width: 900, top: 34, row: 30, minHeight: 160, columns: [170, 430, 660] };
  // Characters of a node's label (the readers' column has ~230 of the picture's 900 units).
  const LABEL_MAX = 26;
  // Seconds before a closed stream (server restarted, access refused) is opened again.
  const RECONNECT_SECONDS = 5;
  const TONES = {
    serving: 'ok',
    up: 'ok',
    live: 'ok',
    'not ready': 'warn',
    'catching up': 'warn',
    starting: 'warn',
    down: 'bad',
  };
  const countFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

  function formatCount(n) {
    return n === null || !Number.isFinite(n) ? '—' : countFormat.format(n);
  }
  function formatMs(ms) {
    if (ms === null || !Number.isFinite(ms)) return '—';
    return Math.abs(ms) < 10 ? ms.toFixed(1) : countFormat.format(Math.round(ms));
  }
  function formatTime(iso) {
    if (!iso) return '—';
    const date = new Date(iso);
    if (Number.isNaN(date.getTime())) return iso;
    return date.toISOString().slice(0, 19).replace('T', ' ') + ' UTC';
  }
  const round = (n) => Math.round(n * 100) / 100;

  /** An element with attributes and children (nodes, or strings set as text). */
  function make(ns, tag, attrs, children) {
    const node = ns ? document.createElementNS(ns, tag) : document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) node.setAttribute(name, String(value));
    for (const child of children || []) {
      node.append(typeof child === 'string' ? document.createTextNode(child) : child);
    }
    return node;
  }
  const h = (tag, attrs, children) => make(null, tag, attrs, children);
  const s = (tag, attrs, children) => make(SVG_NS, tag, attrs, children);

  function setField(name, text, tone) {
    for (const node of document.querySelectorAll('[data-field="' + name + '"]')) {
      node.textContent = text;
      if (tone !== undefined) node.setAttribute('data-tone', tone);
    }
  }

  function renderFields(snap) {
    const latency = snap.ackLatency;
    const health = snap.health;
    const totals = snap.totals;
    setField('windowSeconds', String(snap.windowSeconds));
    setField('at', formatTime(snap.at));
    setField('acceptedPerSecond', formatMs(snap.acceptedPerSecond));
    setField('refusedPerSecond', formatMs(snap.refusedPerSecond));
    setField('ackP50', formatMs(latency ? latency.p50Ms : null));
    setField('ackP99', formatMs(latency ? latency.p99Ms : null));
    setField('gateway', health.gateway, TONES[health.gateway] || 'none');
    setField('brokersState', health.brokers.state, TONES[health.brokers.state] || 'none');
    setField('brokersDetail', health.brokers.detail);
    setField('auditTailState', health.auditTail.state, TONES[health.auditTail.state] || 'none');
    setField('auditTailBehind', formatCount(health.auditTail.behind));
    for (const key of ['records', 'unreadable', 'messagesHeld', 'messagesEvicted']) {
      setField(key, formatCount(totals[key]));
    }
  }

  /** Replaces a table's rows; `columns` is the empty row's colspan. */
  function fillTable(id, rows, columns, emptyText) {
    const body = document.getElementById(id + '-body');
    if (!body) return;
    const empty = h('tr', { class: 'empty' }, [h('td', { colspan: columns }, [emptyText])]);
    body.replaceChildren(...(rows.length > 0 ? rows : [empty]));
  }
  const numCell = (n) => h('td', { class: 'num' }, [formatCount(n)]);

  function renderTables(snap) {
    fillTable(
      'senders',
      snap.bySender.map((r) =>
        h('tr', { 'data-sender': r.key }, [h('th', { scope: 'row' }, [r.key]), numCell(r.count)]),
      ),
      2,
      'Nothing accepted in the window',
    );
    fillTable(
      'reasons',
      snap.refusalsByReason.map((r) => {
        const link = h('a', { href: '/refusals?reason=' + encodeURIComponent(r.key) }, [r.key]);
        return h('tr', { 'data-reason': r.key }, [
          h('th', { scope: 'row' }, [link]),
          numCell(r.count),
        ]);
      }),
      2,
      'Nothing refused in the window',
    );
    fillTable(
      'readers',
      snap.readers.map((r) =>
        h('tr', { 'data-group': r.group, 'data-topic': r.topic }, [
          h('th', { scope: 'row' }, [r.group]),
          h('td', {}, [r.topic]),
          numCell(r.lag),
        ]),
      ),
      3,
      'No reader groups known',
    );
    const edgeRow = (hop) => (e) =>
      h('tr', { 'data-hop': hop, 'data-from': e.from, 'data-to': e.to }, [
        h('td', {}, [e.from]),
        h('td', {}, [e.to]),
        numCell(e.count),
      ]);
    const edges = snap.senderToTopic
      .map(edgeRow('sender-topic'))
      .concat(snap.topicToReader.map(edgeRow('topic-reader')));
    fillTable('edges', edges, 3, 'No flow in the window');
  }

  /** Stacked bars per second, as pages/flow-chart.ts draws them. */
  function renderChart(snap) {
    const chart = document.getElementById('flow-chart');
    if (!chart) return;
    const series = snap.series;
    const busiest = Math.max(0, ...series.map((p) => p.accepted + p.refused));
    const peak = Math.max(1, busiest);
    const slot = CHART_WIDTH / Math.max(1, series.length);
    const bars = series.map((p, i) => {
      const acceptedHeight = (p.accepted / peak) * CHART_HEIGHT;
      const refusedHeight = (p.refused / peak) * CHART_HEIGHT;
      const x = round(i * slot + slot * 0.1);
      const width = round(slot * 0.8);
      const when = formatTime(new Date(p.second * 1000).toISOString());
      const label =
        when + ': ' + formatCount(p.accepted) + ' accepted, ' + formatCount(p.refused) + ' refused';
      const bar = (kind, top, height) =>
        s('rect', { class: 'bar-' + kind, x, y: round(top), width, height: round(height) });
      return s('g', {}, [
        s('title', {}, [label]),
        bar('accepted', CHART_HEIGHT - acceptedHeight, acceptedHeight),
        bar('refused', CHART_HEIGHT - acceptedHeight - refusedHeight, refusedHeight),
      ]);
    });
    chart.replaceChildren(...bars);
    setField('chartPeak', formatCount(busiest));
  }

  /** Nodes of one column, busiest first: [name, messages through it]. */
  function columnOf(entries) {
    const totals = new Map();
    for (const [name, count] of entries) totals.set(name, (totals.get(name) || 0) + count);
    return [...totals.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  }

  /** The picture's three columns; senders and topics without a link still get a node. */
  function pictureColumns(snap) {
    const counted = (edges, side) => edges.map((e) => [e[side], e.count]);
    const named = (edges, side) => edges.map((e) => [e[side], 0]);
    const bySender = snap.bySender.map((r) => [r.key, r.count]);
    return [
      {
        kind: 'sender',
        title: 'Senders',
        anchor: 'end',
        dx: -10,
        dy: 4,
        nodes: columnOf(bySender.concat(named(snap.senderToTopic, 'from'))),
      },
      {
        kind: 'topic',
        title: 'Topics',
        anchor: 'middle',
        dx: 0,
        dy: -10,
        nodes: columnOf(
          counted(snap.senderToTopic, 'to').concat(named(snap.topicToReader, 'from')),
        ),
      },
      {
        kind: 'reader',
        title: 'Readers',
        anchor: 'start',
        dx: 10,
        dy: 4,
        nodes: columnOf(counted(snap.topicToReader, 'to')),
      },
    ];
  }

  /** Column titles and labelled nodes; fills `at` with each node's centre by its data-node id. */
  function drawNodes(columns, height, at) {
    const inner = height - PICTURE.top - 10;
    return columns.flatMap((column, c) => {
      const x = PICTURE.columns[c];
      const title = s('text', { x, y: 16, class: 'column-title', 'text-anchor': 'middle' }, [
        column.title,
      ]);
      return [title].concat(
        column.nodes.map(([name, count], i) => {
          const id = column.kind + ':' + name;
          const y = round(PICTURE.top + (i + 0.5) * (inner / column.nodes.length));
          at.set(id, { x, y });
          return s('g', { class: 'node', 'data-node': id }, [
            s('title', {}, [name + ': ' + formatCount(count) + ' messages']),
            s('circle', { cx: x, cy: y, r: 6 }),
            s('text', { x: x + column.dx, y: y + column.dy, 'text-anchor': column.anchor }, [
              shortLabel(name),
            ]),
          ]);
        }),
      );
    });
  }

  /**
   * Names share a long prefix (a deployment's topic prefix, `intelroute.reader.`): the end is
   * what tells them apart, so a long one keeps its end; the node's title has it whole.
   */
  function shortLabel(name) {
    return name.length <= LABEL_MAX ? name : '…' + name.slice(name.length - LABEL_MAX + 1);
  }

  /** One curve per edge, its width following its count (the busiest edge is 11.5 wide). */
  function drawLinks(snap, at) {
    const edges = snap.senderToTopic
      .map((e) => ['sender:' + e.from, 'topic:' + e.to, e])
      .concat(snap.topicToReader.map((e) => ['topic:' + e.from, 'reader:' + e.to, e]));
    const busiest = Math.max(1, ...edges.map((edge) => edge[2].count));
    return edges
      .filter(([from, to]) => at.has(from) && at.has(to))
      .map(([from, to, e]) => {
        const a = at.get(from);
        const b = at.get(to);
        const mid = (a.x + b.x) / 2;
        const d = `M${a.x} ${a.y} C${mid} ${a.y} ${mid} ${b.y} ${b.x} ${b.y}`;
        const width = round(1.5 + (10 * e.count) / busiest);
        return s(
          'path',
          { class: 'link', d, 'stroke-width': width, 'data-link': from + '>' + to },
          [s('title', {}, [e.from + ' → ' + e.to + ': ' + formatCount(e.count)])],
        );
      });
  }

  /** Senders -> topics -> readers: three columns of nodes, links as wide as their count. */
  function renderPicture(snap) {
    const svg = document.getElementById('flow-picture');
    if (!svg) return;
    const columns = pictureColumns(snap);
    const rows = Math.max(1, ...columns.map((c) => c.nodes.length));
    const height = Math.max(PICTURE.minHeight, PICTURE.top + rows * PICTURE.row + 10);
    const at = new Map();
    const nodes = drawNodes(columns, height, at);
    const links = drawLinks(snap, at);
    const empty = at.size === 0;
    const note = s(
      'text',
      { x: PICTURE.width / 2, y: height / 2, class: 'empty', 'text-anchor': 'middle' },
      ['No flow in the window'],
    );
    svg.setAttribute('viewBox', '0 0 ' + PICTURE.width + ' ' + height);
    svg.replaceChildren(...links, ...nodes, ...(empty ? [note] : []));
  }

  function render(snap) {
    renderFields(snap);
    renderTables(snap);
    renderChart(snap);
    renderPicture(snap);
  }

  function setLive(state, text) {
    const node = document.getElementById('live-state');
    if (!node) return;
    node.setAttribute('data-state', state);
    node.textContent = text;
  }

  function connect() {
    setLive('connecting', 'connecting…');
    const events = new EventSource('/events');
    events.addEventListener('open', () => setLive('live', 'live'));
    events.addEventListener('flow', (event) => {
      let snap;
      try {
        snap = JSON.parse(event.data);
      } catch {
        return; // a malformed event: keep the last picture, the next one will do
      }
      setLive('live', 'live');
      render(snap);
    });
    events.addEventListener('error', () => {
      setLive('reconnecting', 'reconnecting…');
      // The browser retries by itself unless the stream is closed for good (e.g. a 403).
      if (events.readyState === EventSource.CLOSED) {
        events.close();
        window.setTimeout(connect, RECONNECT_SECONDS * 1000);
      }
    });
  }

  function start() {
    const block = document.getElementById('flow-snapshot');
    if (!block) return; // not the flow page
    const note = document.getElementById('flow-picture-note');
    if (note) note.hidden = true;
    try {
      render(JSON.parse(block.textContent || 'null'));
    } catch {
      // the server-rendered page stays as it is; the stream will redraw it
    }
    connect();
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
