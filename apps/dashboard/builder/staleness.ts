/** What `dist/dashboard/build-stamp.json` holds: which inputs the files were built from. */
export interface BuildStamp {
  /** hashInputs() of the sources, template, build script and package-lock when built. */
  inputs: string;
  builtAt: string;
  /** The files the page needs (index.html and the first page's assets), relative to the out dir. */
  files: string[];
  /** Every file the build wrote under assets/ (a rebuild keeps these for tabs still open). */
  assets?: string[];
}

export type Staleness =
  | { stale: false }
  | { stale: true; reason: 'not built' | 'sources changed' | 'files missing' | 'stamp unreadable' };

/**
 * Whether the dashboard must be built again: no stamp, a stamp of other inputs, or a file it
 * names gone (someone cleaned dist/ by hand).
 */
export function staleness(
  stampText: string | undefined,
  currentInputs: string,
  exists: (file: string) => boolean,
): Staleness {
  if (stampText === undefined) return { stale: true, reason: 'not built' };
  const stamp = parseStamp(stampText);
  if (!stamp) return { stale: true, reason: 'stamp unreadable' };
  if (stamp.inputs !== currentInputs) return { stale: true, reason: 'sources changed' };
  if (!stamp.files.every(exists)) return { stale: true, reason: 'files missing' };
  return { stale: false };
}

function parseStamp(text: string): BuildStamp | undefined {
  try {
    const value = JSON.parse(text) as Partial<BuildStamp> | null;
    if (
      typeof value?.inputs === 'string' &&
      Array.isArray(value.files) &&
      value.files.length > 0 &&
      value.files.every((f) => typeof f === 'string')
    )
      return value as BuildStamp;
  } catch {
    // Not JSON: rebuilt like a missing stamp.
  }
  return undefined;
}
