import type { Problem } from './scenario-request';

/** A form field's value from its input or select event. */
export const value = (e: Event) => (e.target as HTMLInputElement | HTMLSelectElement).value;

/** Props of a field: its id, and its problem (aria-invalid, described by the message). */
export function fieldProps(field: string, problems: Problem[]) {
  const problem = problems.find((p) => p.field === field);
  return {
    id: `f-${field}`,
    'aria-invalid': problem ? ('true' as const) : undefined,
    'aria-describedby': problem ? `e-${field}` : undefined,
  };
}

/** A field's problem, shown beside it (fieldProps points aria-describedby here). */
export function FieldError({ field, problems }: { field: string; problems: Problem[] }) {
  const problem = problems.find((p) => p.field === field);
  return problem ? (
    <span class="field-error" id={`e-${field}`}>
      {problem.message}
    </span>
  ) : null;
}
