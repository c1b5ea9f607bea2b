import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './entry-points';

export interface Instruction {
  op: string;
  args: string;
}

export interface Stage {
  from: string;
  name?: string;
  instructions: Instruction[];
}

/** The Dockerfile's stages: continuation lines joined, comments dropped, ARG defaults applied. */
export function loadDockerfile(file = join(REPO_ROOT, 'Dockerfile')): Stage[] {
  const lines = readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => !/^\s*#/.test(l))
    .join('\n')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const args: Record<string, string> = {};
  const stages: Stage[] = [];
  for (const line of lines) {
    const [, op = '', rest = ''] = /^(\S+)\s*(.*)$/.exec(line) ?? [];
    const text = rest.replace(/\$\{(\w+)\}/g, (all, name: string) => args[name] ?? all);
    if (op.toUpperCase() === 'ARG' && stages.length === 0) {
      const [name, value = ''] = text.split('=');
      args[name!] = value;
    } else if (op.toUpperCase() === 'FROM') {
      const [from, , name] = text.split(/\s+/);
      stages.push({ from: from!, ...(name ? { name } : {}), instructions: [] });
    } else {
      stages.at(-1)?.instructions.push({ op: op.toUpperCase(), args: text });
    }
  }
  return stages;
}

/** `ENV A=1 B="two words"` as a record (the key=value form only). */
export function envOf(instruction: Instruction): Record<string, string> {
  const pairs = instruction.args.match(/\w+=("[^"]*"|\S+)/g) ?? [];
  return Object.fromEntries(
    pairs.map((p) => [
      p.slice(0, p.indexOf('=')),
      p.slice(p.indexOf('=') + 1).replace(/^"|"$/g, ''),
    ]),
  );
}

/**
 * Whether .dockerignore keeps a path out of the build context (Docker's matching for the
 * patterns it uses: `*` within a segment, `**` across segments, a match on a parent directory
 * covers what is inside; no `!` exceptions).
 */
export function dockerIgnores(path: string, file = join(REPO_ROOT, '.dockerignore')): boolean {
  const patterns = readFileSync(file, 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  if (patterns.some((p) => p.startsWith('!'))) throw new Error('! patterns are not handled here');
  const segments = path.split('/');
  const prefixes = segments.map((_, i) => segments.slice(0, i + 1).join('/'));
  return patterns.some((pattern) => prefixes.some((prefix) => globToRegExp(pattern).test(prefix)));
}

function globToRegExp(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    if (pattern.startsWith('**/', i)) {
      source += '(?:.*/)?';
      i += 2;
    } else if (pattern[i] === '*') source += '[^/]*';
    else source += pattern[i]!.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}
