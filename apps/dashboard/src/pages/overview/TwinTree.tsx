import { useEffect, useRef, useState } from 'preact/hooks';
import { StatusBadge } from '../../components/StatusBadge';
import type { PlantTree, TreeRow } from './plant-tree';
import { keyAction } from './tree-keys';

/** Row height in px (≥ 40: a touch target); rows are laid out at multiples of it. */
export const ROW_HEIGHT = 44;
const OVERSCAN = 8;

export interface TwinTreeProps {
  tree: PlantTree;
  rows: TreeRow[];
  onToggle: (twinId: string) => void;
  onOpen: (twinId: string) => void;
  /** Which rows are on screen now (the live refresh fetches only those on readings). */
  onVisibleChange: (twinIds: Set<string>) => void;
}

/**
 * The plant as an ARIA tree, virtualised: only the rows in view (and a few around) are in the
 * DOM, so 1,000 twins scroll like 20. One tab stop; arrows move within (tree-keys.ts).
 */
export function TwinTree({ tree, rows, onToggle, onOpen, onVisibleChange }: TwinTreeProps) {
  const box = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [viewHeight, setViewHeight] = useState(600);
  const [focus, setFocusState] = useState(0);
  // The focused row, also as a ref: keys pressed faster than the page re-renders each move on
  // from the last one, not from the index of the last render.
  const focusRef = useRef(0);
  const setFocus = (index: number) => {
    focusRef.current = index;
    setFocusState(index);
  };
  const focusing = useRef(false);

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const observer = new ResizeObserver(() => setViewHeight(el.clientHeight || 600));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  const first = Math.max(0, Math.floor(scrollTop / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(rows.length, Math.ceil((scrollTop + viewHeight) / ROW_HEIGHT) + OVERSCAN);
  const focusIndex = Math.min(focus, Math.max(0, rows.length - 1));
  // The focused row stays in the DOM even scrolled away, so the focus is never dropped to the page.
  const indices = Array.from({ length: last - first }, (_, i) => first + i);
  if (rows.length > 0 && (focusIndex < first || focusIndex >= last)) indices.push(focusIndex);
  const shown = rows.slice(first, last);

  useEffect(() => onVisibleChange(new Set(shown.map((r) => r.twinId))), [first, last, rows]);

  // After a keyboard move: scroll the latest focused row into view, then give it the focus once
  // rendered (the ref, not this render's index: a later key press may have moved it on already).
  useEffect(() => {
    if (!focusing.current) return;
    const el = box.current;
    if (!el) return;
    const target = Math.min(focusRef.current, Math.max(0, rows.length - 1));
    const top = target * ROW_HEIGHT;
    if (top < el.scrollTop) el.scrollTop = top;
    else if (top + ROW_HEIGHT > el.scrollTop + el.clientHeight)
      el.scrollTop = top + ROW_HEIGHT - el.clientHeight;
    const row = el.querySelector<HTMLElement>(`[data-index="${target}"]`);
    if (row) {
      row.focus({ preventScroll: true });
      focusing.current = false;
    }
  });

  const onKeyDown = (event: KeyboardEvent) => {
    const current = Math.min(focusRef.current, Math.max(0, rows.length - 1));
    const action = keyAction(
      rows,
      current,
      event.key,
      Math.max(1, Math.floor(viewHeight / ROW_HEIGHT) - 1),
    );
    if (action.kind === 'none') return;
    event.preventDefault();
    focusing.current = true;
    if (action.kind === 'focus') setFocus(action.index);
    else if (action.kind === 'open') onOpen(action.twinId);
    else onToggle(action.twinId);
  };

  return (
    <div
      class="tree-view"
      ref={box}
      onScroll={(e) => setScrollTop((e.currentTarget as HTMLElement).scrollTop)}
    >
      <div
        role="tree"
        aria-label="Plant hierarchy"
        class="tree"
        style={{ height: `${rows.length * ROW_HEIGHT}px` }}
        onKeyDown={onKeyDown}
      >
        {indices.map((index) => {
          const row = rows[index]!;
          const twin = tree.twins.get(row.twinId)!;
          const siblings =
            row.parentId === null ? tree.roots : (tree.children.get(row.parentId) ?? tree.roots);
          return (
            <div
              key={row.twinId}
              role="treeitem"
              data-index={index}
              aria-level={row.depth + 1}
              aria-setsize={siblings.length}
              aria-posinset={siblings.indexOf(row.twinId) + 1}
              aria-expanded={row.hasChildren ? row.expanded : undefined}
              aria-selected={index === focusIndex}
              tabIndex={index === focusIndex ? 0 : -1}
              class={`tree-row level-${twin.level}${index === focusIndex ? ' focused' : ''}`}
              style={{ transform: `translateY(${index * ROW_HEIGHT}px)` }}
              onFocus={() => focusRef.current !== index && setFocus(index)}
            >
              <span class="cell name">
                <span class="indent" style={{ width: `${row.depth * 20}px` }} />
                {row.hasChildren ? (
                  <span
                    class="toggle"
                    aria-hidden="true"
                    onClick={(e) => {
                      e.stopPropagation();
                      onToggle(row.twinId);
                    }}
                  >
                    {row.expanded ? '▾' : '▸'}
                  </span>
                ) : (
                  <span class="toggle" aria-hidden="true" />
                )}
                <a href={`/twins/${encodeURIComponent(twin.twinId)}`} tabIndex={-1}>
                  <span class="twin-id">{twin.twinId}</span>
                </a>
                {twin.name && <span class="twin-name">{twin.name}</span>}
              </span>
              <span class="cell type">
                {twin.twinType}
                <span class="visually-hidden">, {twin.level}</span>
              </span>
              <span class="cell site">{twin.site ?? '—'}</span>
              <span class="cell status">
                <StatusBadge status={twin.status === 'retired' ? 'retired' : twin.health} />
              </span>
              <span class={`cell count${twin.activeAnomalies > 0 ? ' hot' : ''}`}>
                {twin.activeAnomalies}
                <span class="visually-hidden"> open anomalies</span>
              </span>
              <span class={`cell count${twin.openAlerts > 0 ? ' hot' : ''}`}>
                {twin.openAlerts}
                <span class="visually-hidden"> open alerts</span>
              </span>
            </div>
          );
        })}
      </div>
    </div>
  );
}
