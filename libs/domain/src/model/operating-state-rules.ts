/** A model's declared operating states, as the schema has parsed them. */
interface DeclaredStates {
  property: string;
  states: { name: string; below?: number; still?: string[] }[];
}

/** The rules zod cannot say: a known property, distinct names, bounds increasing, none on the last. */
export function operatingStateProblems(
  states: DeclaredStates,
  properties: Record<string, unknown>,
): { path: (string | number)[]; message: string }[] {
  const problems: { path: (string | number)[]; message: string }[] = [];
  if (!Object.hasOwn(properties, states.property))
    problems.push({ path: ['property'], message: `unknown property ${states.property}` });
  const seen = new Set<string>();
  states.states.forEach((state, i) => {
    if (seen.has(state.name))
      problems.push({ path: ['states', i, 'name'], message: `${state.name} is named twice` });
    seen.add(state.name);
    const last = i === states.states.length - 1;
    if (last && state.below !== undefined)
      problems.push({
        path: ['states', i, 'below'],
        message: 'the last state takes every higher value: no below',
      });
    if (!last && state.below === undefined)
      problems.push({
        path: ['states', i, 'below'],
        message: 'every state but the last needs below',
      });
    for (const [j, property] of (state.still ?? []).entries())
      if (!Object.hasOwn(properties, property))
        problems.push({ path: ['states', i, 'still', j], message: `unknown property ${property}` });
    const previous = states.states[i - 1]?.below;
    if (state.below !== undefined && previous !== undefined && !(state.below > previous))
      problems.push({
        path: ['states', i, 'below'],
        message: 'below must increase from state to state',
      });
  });
  return problems;
}
