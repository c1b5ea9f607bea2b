/** An alert's severity: a colour, an icon and a word (colour is never alone). */
const LOOK: Record<string, { icon: string; text: string; tone: string }> = {
  info: { icon: '●', text: 'Info', tone: 'normal' },
  warning: { icon: '▲', text: 'Warning', tone: 'warning' },
  alarm: { icon: '◆', text: 'Alarm', tone: 'alarm' },
  critical: { icon: '✖', text: 'Critical', tone: 'failure' },
};

export function SeverityBadge({ severity }: { severity: string }) {
  const look = Object.hasOwn(LOOK, severity)
    ? LOOK[severity]!
    : { icon: '○', text: severity, tone: 'unknown' };
  return (
    <span class={`badge badge-${look.tone}`}>
      <span aria-hidden="true">{look.icon}</span> {look.text}
    </span>
  );
}
