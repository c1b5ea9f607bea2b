import { OFFICIAL_LIKE_CUTS, TRAINING_LIKE_CUTS, type CutPlan } from '@twinlog/analytics';

/** `--name value` from the command line, as given. */
export function option(name: string): string | undefined {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? process.argv[at + 1] : undefined;
}

/** The four ways the C-MAPSS benches cut held-out units, in the order they are reported. */
export const PLANS = ['official-like', 'early cuts', 'late cuts', 'issue-8 cuts'] as const;

/** The plans for a set, each drawn `draws` times. */
export function plansFor(set: string, draws: number): CutPlan[] {
  const cut = OFFICIAL_LIKE_CUTS[set]!;
  return [
    { name: PLANS[0], draws, cut },
    { name: PLANS[1], draws, cut: { ...cut, shape: 'early' } },
    { name: PLANS[2], draws, cut: { ...cut, shape: 'late' } },
    { name: PLANS[3], draws, cut: TRAINING_LIKE_CUTS },
  ];
}
