import type { TwinHealthStatus } from '../api/types';

/** What a twin's health or status looks like: a colour, an icon and a word (colour is never alone). */
const LOOK: Record<string, { icon: string; text: string }> = {
  normal: { icon: '●', text: 'Normal' },
  warning: { icon: '▲', text: 'Warning' },
  alarm: { icon: '◆', text: 'Alarm' },
  failure: { icon: '✖', text: 'Failure' },
  unknown: { icon: '○', text: 'No data' },
  retired: { icon: '–', text: 'Retired' },
};

export type BadgeStatus = TwinHealthStatus | 'retired';

export function StatusBadge({ status }: { status: BadgeStatus }) {
  const look = LOOK[status] ?? LOOK.unknown!;
  return (
    <span class={`badge badge-${LOOK[status] ? status : 'unknown'}`}>
      <span aria-hidden="true">{look.icon}</span> {look.text}
    </span>
  );
}
