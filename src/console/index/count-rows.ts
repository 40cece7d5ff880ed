import type { CountRow, FlowEdge } from '../console-model';

/** Rows a list of the flow page shows at most; the rest is summed into one OTHER row. */
export const MAX_ROWS = 50;
/** The key of the row that sums what did not fit. */
export const OTHER = '(other)';

/** Adds `n` to `key`'s count. */
export function countInto(counts: Map<string, number>, key: string, n = 1): void {
  counts.set(key, (counts.get(key) ?? 0) + n);
}

/** Adds `n` to the edge `from` -> `to`. */
export function countEdgeInto(
  edges: Map<string, Map<string, number>>,
  from: string,
  to: string,
  n = 1,
): void {
  let targets = edges.get(from);
  if (targets === undefined) edges.set(from, (targets = new Map()));
  countInto(targets, to, n);
}

function byCountThenKey(a: CountRow, b: CountRow): number {
  return b.count - a.count || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
}

/**
 * Counts as rows, largest first then by key; at most MAX_ROWS rows, the last one
 * `(other)` summing every key that did not fit.
 */
export function countRows(counts: ReadonlyMap<string, number>): CountRow[] {
  const rows = [...counts].map(([key, count]) => ({ key, count })).sort(byCountThenKey);
  if (rows.length <= MAX_ROWS) return rows;
  const rest = rows.slice(MAX_ROWS - 1).reduce((sum, row) => sum + row.count, 0);
  return [...rows.slice(0, MAX_ROWS - 1), { key: OTHER, count: rest }];
}

/** Edges as countRows orders and caps them (key: from, then to); the rest is (other) -> (other). */
export function flowEdges(edges: ReadonlyMap<string, ReadonlyMap<string, number>>): FlowEdge[] {
  const all: Array<FlowEdge & CountRow> = [];
  for (const [from, targets] of edges) {
    // "\u0000" sorts before any character, so ties order by `from`, then by `to`.
    for (const [to, count] of targets) all.push({ key: `${from}\u0000${to}`, from, to, count });
  }
  all.sort(byCountThenKey);
  const edge = ({ from, to, count }: FlowEdge): FlowEdge => ({ from, to, count });
  if (all.length <= MAX_ROWS) return all.map(edge);
  const rest = all.slice(MAX_ROWS - 1).reduce((sum, row) => sum + row.count, 0);
  return [...all.slice(0, MAX_ROWS - 1).map(edge), { from: OTHER, to: OTHER, count: rest }];
}
