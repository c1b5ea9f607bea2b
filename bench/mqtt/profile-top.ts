/** The parts of a V8 .cpuprofile (node --cpu-prof) that self time needs. */
export interface CpuProfile {
  nodes: Array<{
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
  }>;
  samples: number[];
  timeDeltas: number[];
  /** Microseconds on the profiled process's monotonic clock. */
  startTime: number;
  endTime: number;
}

export interface SelfTime {
  name: string;
  ms: number;
  share: number;
}

/**
 * Self time per function (within a window of the profile's clock, when given) and per place (an npm package, a repo folder, or node's own code), the
 * largest first: where the CPU went, without opening DevTools.
 */
export function selfTimes(
  profile: CpuProfile,
  window: { from: number; to: number } = { from: -Infinity, to: Infinity },
): { functions: SelfTime[]; places: SelfTime[] } {
  const byNode = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
  const functions = new Map<string, number>();
  const places = new Map<string, number>();
  let total = 0;
  let at = profile.startTime;
  profile.samples.forEach((id, i) => {
    const frame = byNode.get(id);
    const us = profile.timeDeltas[i] ?? 0;
    at += us;
    if (!frame || at < window.from || at > window.to) return;
    total += us;
    const file = frame.url.split('/').pop() ?? '';
    const fn =
      `${frame.functionName || '(anonymous)'} ${file ? `${file}:${frame.lineNumber + 1}` : ''}`.trim();
    functions.set(fn, (functions.get(fn) ?? 0) + us);
    places.set(
      placeOf(frame.url, frame.functionName),
      (places.get(placeOf(frame.url, frame.functionName)) ?? 0) + us,
    );
  });
  const sorted = (m: Map<string, number>) =>
    [...m]
      .map(([name, us]) => ({ name, ms: us / 1000, share: total ? us / total : 0 }))
      .sort((a, b) => b.ms - a.ms);
  return { functions: sorted(functions), places: sorted(places) };
}

function placeOf(url: string, functionName: string): string {
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  const repo = /\/((?:apps|libs)\/[^/]+)\//.exec(url);
  if (repo) return repo[1]!;
  if (url.startsWith('node:')) return 'node core';
  if (url) return url;
  return functionName.startsWith('(') ? functionName : `(${functionName || 'native'})`;
}
