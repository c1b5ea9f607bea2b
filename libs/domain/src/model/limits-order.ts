import type { Band, Limits } from './twin-model.schema';

const SEVERITY_ORDER = ['normal', 'warning', 'alarm', 'failure'] as const;

/**
 * Limits must widen with severity: a warning band lies inside the alarm band, which lies inside
 * the failure band. Returns the problems as `path: message` pairs (empty when consistent).
 */
export function limitOrderProblems(limits: Limits): Array<{ path: string; message: string }> {
  const problems: Array<{ path: string; message: string }> = [];
  const present = SEVERITY_ORDER.filter((level) => limits[level] !== undefined);
  for (let i = 1; i < present.length; i++) {
    const inner = present[i - 1]!;
    const outer = present[i]!;
    const a = limits[inner] as Band;
    const b = limits[outer] as Band;
    if (a.high !== undefined && b.high !== undefined && b.high < a.high) {
      problems.push({
        path: `${outer}.high`,
        message: `${outer}.high (${b.high}) is below ${inner}.high (${a.high})`,
      });
    }
    if (a.low !== undefined && b.low !== undefined && b.low > a.low) {
      problems.push({
        path: `${outer}.low`,
        message: `${outer}.low (${b.low}) is above ${inner}.low (${a.low})`,
      });
    }
  }
  return problems;
}

/**
 * Limits changed through a command must bound something: `{}` or bands without a bound would
 * silently switch a property's alarms off. A caller that wants no alarm sets a wide band.
 */
export function noBoundProblems(limits: Limits): Array<{ path: string; message: string }> {
  const bounds = Object.values(limits).filter(
    (band) => band?.low !== undefined || band?.high !== undefined,
  );
  if (bounds.length > 0) return [];
  return [
    {
      path: 'limits',
      message:
        'no band has a low or high bound: that would switch the alarms off; give at least one bound (a wide band to watch nothing)',
    },
  ];
}
