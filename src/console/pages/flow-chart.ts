import type { SecondCounts } from '../console-model';
import { formatCount, formatTime } from './format';
import { html, type SafeHtml } from './html';

/** The chart's drawing area in SVG units; console.js draws with the same numbers. */
export const CHART_WIDTH = 600;
export const CHART_HEIGHT = 120;

const round = (n: number): number => Math.round(n * 100) / 100;

/**
 * Accepted (below) and refused (stacked above) per second, one bar per second of the window,
 * scaled to the busiest second. Geometry in attributes, colours in the stylesheet (CSP).
 */
export function renderFlowChart(series: readonly SecondCounts[], windowSeconds: number): SafeHtml {
  const busiest = Math.max(0, ...series.map((s) => s.accepted + s.refused));
  const peak = Math.max(1, busiest);
  const slot = CHART_WIDTH / Math.max(1, series.length);
  const bars = series.map((s, i) => {
    const acceptedHeight = (s.accepted / peak) * CHART_HEIGHT;
    const refusedHeight = (s.refused / peak) * CHART_HEIGHT;
    const x = round(i * slot + slot * 0.1);
    const width = round(slot * 0.8);
    const when = formatTime(new Date(s.second * 1000).toISOString());
    return html`<g
      ><title>${when}: ${formatCount(s.accepted)} accepted, ${formatCount(s.refused)} refused</title
      ><rect
        class="bar-accepted"
        x="${x}"
        y="${round(CHART_HEIGHT - acceptedHeight)}"
        width="${width}"
        height="${round(acceptedHeight)}" /><rect
        class="bar-refused"
        x="${x}"
        y="${round(CHART_HEIGHT - acceptedHeight - refusedHeight)}"
        width="${width}"
        height="${round(refusedHeight)}"
    /></g>`;
  });
  return html`<figure class="chart">
    <svg
      id="flow-chart"
      viewBox="0 0 ${CHART_WIDTH} ${CHART_HEIGHT}"
      preserveAspectRatio="none"
      role="img"
      aria-label="Accepted and refused messages per second over the last ${windowSeconds} seconds"
    >
      ${bars}
    </svg>
    <figcaption>
      <span class="key key-accepted">accepted</span>
      <span class="key key-refused">refused</span> per second; the busiest second:
      <span data-field="chartPeak">${formatCount(busiest)}</span>
    </figcaption>
  </figure>`;
}
