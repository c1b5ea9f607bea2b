import { readFileSync } from 'node:fs';

/** The parts of a V8 heap snapshot (.heapsnapshot) this summary reads. */
interface HeapSnapshot {
  snapshot: {
    meta: {
      node_fields: string[];
      node_types: [string[], ...unknown[]];
      edge_fields: string[];
      edge_types: [string[], ...unknown[]];
    };
  };
  nodes: number[];
  edges: number[];
  strings: string[];
}

export interface HeapHolder {
  /** A class (constructor) name, or a kind of V8 node for what no object holds. */
  holder: string;
  bytes: number;
  /** Nodes counted under it. */
  count: number;
}

export interface HeapSummary {
  totalBytes: number;
  /** Self sizes of objects by constructor name, plus the leaves (strings, arrays, numbers, code...) each object holds. */
  holders: HeapHolder[];
}

// Leaves are attributed to the nearest named object that holds them, through at most this many
// nodes (a class -> its Map -> the table -> an entry -> its elements -> the strings in it).
const OWNER_DEPTH = 8;
const OBJECT_KINDS = new Set(['object', 'closure', 'regexp']);
// Plain containers say little about what grows: what they hold is counted under their holder.
const CONTAINERS = new Set([
  'Array',
  'Object',
  'Map',
  'Set',
  '(object properties)',
  '(object elements)',
]);

/**
 * What a heap holds, by the class that holds it: every object's own size, plus every plain
 * container (Array, Object, Map, Set), string, array, number and V8-internal node reached first
 * from it (by the first strong edge into each). Cheaper than retained sizes (no dominator tree) and enough to see which structure
 * grows with twins. A leaf no object reaches is counted under its own V8 kind, in brackets.
 */
export function summariseHeap(file: string): HeapSummary {
  const snapshot = JSON.parse(readFileSync(file, 'utf8')) as HeapSnapshot;
  const { meta } = snapshot.snapshot;
  const nodeWidth = meta.node_fields.length;
  const edgeWidth = meta.edge_fields.length;
  const typeAt = meta.node_fields.indexOf('type');
  const nameAt = meta.node_fields.indexOf('name');
  const sizeAt = meta.node_fields.indexOf('self_size');
  const edgeCountAt = meta.node_fields.indexOf('edge_count');
  const edgeTypeAt = meta.edge_fields.indexOf('type');
  const edgeToAt = meta.edge_fields.indexOf('to_node');
  const nodeKinds = meta.node_types[0];
  const edgeKinds = meta.edge_types[0];
  const weak = edgeKinds.indexOf('weak');
  const { nodes, edges, strings } = snapshot;
  const count = nodes.length / nodeWidth;

  // The first node with a strong edge to each node (by node ordinal; -1 for none).
  const owner = new Int32Array(count).fill(-1);
  let edge = 0;
  for (let n = 0; n < count; n++) {
    const edgesOf = nodes[n * nodeWidth + edgeCountAt]!;
    for (let e = 0; e < edgesOf; e++, edge += edgeWidth) {
      if (edges[edge + edgeTypeAt] === weak) continue;
      const to = edges[edge + edgeToAt]! / nodeWidth;
      if (owner[to] === -1 && to !== n) owner[to] = n;
    }
  }

  const kindOf = (n: number) => nodeKinds[nodes[n * nodeWidth + typeAt]!] ?? 'unknown';
  const nameOf = (n: number) => strings[nodes[n * nodeWidth + nameAt]!] ?? '?';
  const labelOf = (n: number) =>
    kindOf(n) === 'closure' ? `${nameOf(n) || 'anonymous'}()` : nameOf(n);
  const holderOf = (n: number): string => {
    let container: number | undefined;
    let at = n;
    for (let depth = 0; depth <= OWNER_DEPTH && at >= 0; depth++) {
      if (OBJECT_KINDS.has(kindOf(at))) {
        if (!CONTAINERS.has(nameOf(at))) return labelOf(at);
        container ??= at;
      }
      at = owner[at]!;
    }
    return container === undefined ? `(${kindOf(n)})` : labelOf(container);
  };

  const byHolder = new Map<string, HeapHolder>();
  let totalBytes = 0;
  for (let n = 0; n < count; n++) {
    const bytes = nodes[n * nodeWidth + sizeAt]!;
    totalBytes += bytes;
    if (bytes === 0) continue;
    const holder = holderOf(n);
    const known = byHolder.get(holder) ?? { holder, bytes: 0, count: 0 };
    known.bytes += bytes;
    known.count += 1;
    byHolder.set(holder, known);
  }
  return {
    totalBytes,
    holders: [...byHolder.values()].sort((a, b) => b.bytes - a.bytes),
  };
}

/** The summary as lines: the total, then the largest holders with their share. */
export function heapLines(summary: HeapSummary, top = 15): string[] {
  const mb = (b: number) => (b / 1048576).toFixed(1);
  return [
    `  heap: ${mb(summary.totalBytes)} MB in use; largest holders (own size plus the strings, arrays and numbers reached first from them):`,
    ...summary.holders
      .slice(0, top)
      .map(
        (h) =>
          `    ${mb(h.bytes).padStart(7)} MB  ${((100 * h.bytes) / summary.totalBytes).toFixed(1).padStart(5)}%  ${h.holder} (${h.count.toLocaleString('en-US')} nodes)`,
      ),
  ];
}
