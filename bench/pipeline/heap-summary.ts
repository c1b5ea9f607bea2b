import { readFileSync, statSync } from 'node:fs';

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
  /** Self sizes by holder (see summariseHeap), largest first. */
  holders: HeapHolder[];
}

// What a node is counted under: the nearest named object on its path from the root, through
// at most this many nodes (a class -> its Map -> the table -> an entry -> its elements -> a string).
const OWNER_DEPTH = 8;
const OBJECT_KINDS = new Set(['object', 'closure', 'regexp']);
// Plain containers and V8's own objects (a closure's context, property arrays) say little about
// what grows: what they hold is counted under whoever holds them.
const isContainer = (name: string) =>
  name === 'Array' ||
  name === 'Object' ||
  name === 'Map' ||
  name === 'Set' ||
  name.startsWith('system / ');
// V8's strings are at most 2^29 - 24 characters: a bigger file cannot be read as one string.
const MAX_FILE_BYTES = 500 * 1024 * 1024;

/**
 * What a heap holds, by the class that holds it: every object's own size, plus everything on the
 * way to it from the root that is a plain container, a V8-internal object, a string, an array or
 * a number. Each node is given to its parent on a shortest path from the program's roots
 * (breadth first over strong edges, the engine's own roots last), so a structure is counted
 * where it is nearest to them, and shared structures once. Cheaper than retained sizes (no dominator tree) and enough to see which
 * structure grows with twins. What no named object holds (strings the engine's string table
 * reaches first, say) is counted under its V8 kind, in brackets.
 */
export function summariseHeap(file: string): HeapSummary {
  const size = statSync(file).size;
  if (size > MAX_FILE_BYTES)
    throw new Error(
      `${file} is ${Math.round(size / 1048576)} MB, more than this summary can read as one string: open it in Chrome DevTools (Memory, Load)`,
    );
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
  const weak = meta.edge_types[0].indexOf('weak');
  const { nodes, edges, strings } = snapshot;
  const count = nodes.length / nodeWidth;

  // Each node's edges start where the previous node's end.
  const firstEdge = new Int32Array(count + 1);
  for (let n = 0; n < count; n++)
    firstEdge[n + 1] = firstEdge[n]! + nodes[n * nodeWidth + edgeCountAt]! * edgeWidth;
  // Breadth first from the root (node 0): each node's parent on a shortest path (-1: unreached).
  // The engine's own roots (the string table, handle scopes...: synthetic nodes) are expanded
  // only once all the program reaches from its globals is placed, or every Map key (interned)
  // would be counted under the string table instead of the Map's holder.
  const synthetic = nodeKinds.indexOf('synthetic');
  const owner = new Int32Array(count).fill(-1);
  const queue = new Int32Array(count);
  const engineRoots: number[] = [];
  let head = 0;
  let tail = 0;
  const expand = (n: number) => {
    for (let e = firstEdge[n]!; e < firstEdge[n + 1]!; e += edgeWidth) {
      if (edges[e + edgeTypeAt] === weak) continue;
      const to = edges[e + edgeToAt]! / nodeWidth;
      if (owner[to] !== -1) continue;
      owner[to] = n;
      if (nodes[to * nodeWidth + typeAt] === synthetic) engineRoots.push(to);
      else queue[tail++] = to;
    }
  };
  owner[0] = 0;
  expand(0);
  for (;;) {
    while (head < tail) expand(queue[head++]!);
    const next = engineRoots.shift();
    if (next === undefined) break;
    expand(next);
  }
  owner[0] = -1;

  const kindOf = (n: number) => nodeKinds[nodes[n * nodeWidth + typeAt]!] ?? 'unknown';
  const nameOf = (n: number) => strings[nodes[n * nodeWidth + nameAt]!] ?? '?';
  const labelOf = (n: number) =>
    kindOf(n) === 'closure' ? `${nameOf(n) || 'anonymous'}()` : nameOf(n);
  const holderOf = (n: number): string => {
    let container: number | undefined;
    let at = n;
    for (let depth = 0; depth <= OWNER_DEPTH && at >= 0; depth++) {
      if (OBJECT_KINDS.has(kindOf(at))) {
        if (!isContainer(nameOf(at))) return labelOf(at);
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
    `  heap: ${mb(summary.totalBytes)} MB in use; largest holders (own size plus the containers, strings, arrays and numbers nearest to them):`,
    ...summary.holders
      .slice(0, top)
      .map(
        (h) =>
          `    ${mb(h.bytes).padStart(7)} MB  ${((100 * h.bytes) / summary.totalBytes).toFixed(1).padStart(5)}%  ${h.holder} (${h.count.toLocaleString('en-US')} nodes)`,
      ),
  ];
}
