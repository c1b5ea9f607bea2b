import type { MaintenancePriority, TwinState } from '@twinlog/domain';

export interface MaintenanceRollUp {
  twinId: string;
  twinType: string;
  level: string;
  /** The weakest health index over the twin and the active twins below it that have one. */
  healthIndex: number | null;
  worstPriority: MaintenancePriority | null;
  /** The twin expected to fail first (the earliest early end of life), and what to do. */
  firstToFail: {
    twinId: string;
    twinType: string;
    rulLowHours: number;
    rulHours: number;
    priority: MaintenancePriority;
    action: string | null;
  } | null;
  /** Twins in the subtree with a prediction. */
  predicted: number;
  children: Array<{
    twinId: string;
    twinType: string;
    level: string;
    /** The child's own prediction, and the weakest index of its subtree. */
    healthIndex: number | null;
    priority: MaintenancePriority | null;
    rulHours: number | null;
    subtreeHealthIndex: number | null;
  }>;
}

const ORDER: MaintenancePriority[] = ['low', 'medium', 'high', 'critical'];

/**
 * The maintenance view of an asset or a system: a machine is as healthy as its weakest
 * component and needs attention as urgently as its most urgent one; the component to fail
 * first (by its early, P10, end of life) is the one to plan for. From each twin's latest
 * MaintenancePredicted in its state; retired twins are left out.
 */
export function rollUpMaintenance(
  root: TwinState,
  lookup: (twinId: string) => TwinState | undefined,
): MaintenanceRollUp {
  const seen = new Set<string>();
  const subtree = (state: TwinState): Summary => {
    seen.add(state.twinId);
    let summary = own(state);
    for (const { twinId } of state.children) {
      if (seen.has(twinId)) continue; // a corrupt cycle must not hang a query
      const child = lookup(twinId);
      if (!child || child.status !== 'active') continue;
      summary = combine(summary, subtree(child));
    }
    return summary;
  };
  const children: MaintenanceRollUp['children'] = [];
  let total = own(root);
  seen.add(root.twinId);
  for (const { twinId } of root.children) {
    const child = lookup(twinId);
    if (!child || child.status !== 'active' || seen.has(twinId)) continue;
    const below = subtree(child);
    const p = child.maintenancePrediction;
    children.push({
      twinId,
      twinType: child.twinType,
      level: child.level,
      healthIndex: p?.healthIndex ?? null,
      priority: p?.priority ?? null,
      rulHours: p && !p.beyondHorizon ? p.rulHours : null,
      subtreeHealthIndex: below.healthIndex,
    });
    total = combine(total, below);
  }
  return {
    twinId: root.twinId,
    twinType: root.twinType,
    level: root.level,
    healthIndex: total.healthIndex,
    worstPriority: total.worstPriority,
    firstToFail: total.firstToFail,
    predicted: total.predicted,
    children,
  };
}

type Summary = Pick<
  MaintenanceRollUp,
  'healthIndex' | 'worstPriority' | 'firstToFail' | 'predicted'
>;

function own(state: TwinState): Summary {
  const p = state.maintenancePrediction;
  if (!p) return { healthIndex: null, worstPriority: null, firstToFail: null, predicted: 0 };
  return {
    healthIndex: p.healthIndex,
    worstPriority: p.priority,
    firstToFail: p.beyondHorizon
      ? null
      : {
          twinId: state.twinId,
          twinType: state.twinType,
          rulLowHours: p.rulLowHours,
          rulHours: p.rulHours,
          priority: p.priority,
          action: p.action ?? null,
        },
    predicted: 1,
  };
}

function combine(a: Summary, b: Summary): Summary {
  const min = (x: number | null, y: number | null) =>
    x === null ? y : y === null ? x : Math.min(x, y);
  const worse =
    a.worstPriority === null
      ? b.worstPriority
      : b.worstPriority === null || ORDER.indexOf(a.worstPriority) >= ORDER.indexOf(b.worstPriority)
        ? a.worstPriority
        : b.worstPriority;
  const first =
    !a.firstToFail || (b.firstToFail && b.firstToFail.rulLowHours < a.firstToFail.rulLowHours)
      ? b.firstToFail
      : a.firstToFail;
  return {
    healthIndex: min(a.healthIndex, b.healthIndex),
    worstPriority: worse,
    firstToFail: first,
    predicted: a.predicted + b.predicted,
  };
}
