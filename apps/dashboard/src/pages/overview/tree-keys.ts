import type { TreeRow } from './plant-tree';

export type KeyAction =
  | { kind: 'focus'; index: number }
  | { kind: 'expand'; twinId: string }
  | { kind: 'collapse'; twinId: string }
  | { kind: 'open'; twinId: string }
  | { kind: 'none' };

/**
 * The tree's keyboard (WAI-ARIA tree pattern): Up/Down move, Right opens or goes to the first
 * child, Left closes or goes to the parent, Home/End, PageUp/PageDown by a screenful, Enter opens
 * the twin's page.
 */
export function keyAction(
  rows: readonly TreeRow[],
  index: number,
  key: string,
  pageRows = 10,
): KeyAction {
  const row = rows[index];
  if (!row) return rows.length > 0 ? { kind: 'focus', index: 0 } : { kind: 'none' };
  const to = (i: number): KeyAction => ({
    kind: 'focus',
    index: Math.max(0, Math.min(rows.length - 1, i)),
  });
  switch (key) {
    case 'ArrowDown':
      return to(index + 1);
    case 'ArrowUp':
      return to(index - 1);
    case 'Home':
      return to(0);
    case 'End':
      return to(rows.length - 1);
    case 'PageDown':
      return to(index + pageRows);
    case 'PageUp':
      return to(index - pageRows);
    case 'ArrowRight':
      if (!row.hasChildren) return { kind: 'none' };
      return row.expanded ? to(index + 1) : { kind: 'expand', twinId: row.twinId };
    case 'ArrowLeft': {
      if (row.hasChildren && row.expanded) return { kind: 'collapse', twinId: row.twinId };
      const parent = rows.findIndex((r) => r.twinId === row.parentId);
      return parent >= 0 ? to(parent) : { kind: 'none' };
    }
    case 'Enter':
      return { kind: 'open', twinId: row.twinId };
    default:
      return { kind: 'none' };
  }
}
