/**
 * The amount fields of a perturbation in a scenario the model proposes (the simulation ask's
 * answer, apps/simulation/src/ask/scenario-answer.ts), all null: strict structured outputs
 * want every field, so a scripted answer spreads this and sets the one its kind takes.
 */
export const NO_AMOUNTS = {
  until: null,
  value: null,
  by: null,
  factor: null,
  remaining: null,
  ratePerHour: null,
} as const;
