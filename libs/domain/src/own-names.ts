/**
 * Names that come from outside (a reading's property, a unit, a twin type, a parameter) are
 * looked up in plain records only through these. `record[name]` finds Object.prototype's
 * members (`constructor`, `toString`, `__proto__`) as if they were entries, and
 * `record['__proto__'] = value` replaces the record's prototype instead of adding an entry.
 */

/** The record's own entry for `name`, never an inherited member. */
export function ownValue<T>(
  record: Readonly<Record<string, T>> | null | undefined,
  name: string,
): T | undefined {
  return record != null && Object.hasOwn(record, name) ? record[name] : undefined;
}

/** Whether `name` is one of the record's own entries. */
export function hasOwnName(record: object | null | undefined, name: string): boolean {
  return record != null && Object.hasOwn(record, name);
}

/** Sets an own entry, also for `__proto__` (which plain assignment would treat as the prototype). */
export function setOwn<T>(record: Record<string, T>, name: string, value: T): void {
  if (name === '__proto__') {
    Object.defineProperty(record, name, {
      value,
      writable: true,
      enumerable: true,
      configurable: true,
    });
  } else {
    record[name] = value;
  }
}

/** The names an attacker reaches for first: every member of Object.prototype, and a few more. */
export const OBJECT_BUILT_IN_NAMES: readonly string[] = [
  ...new Set([...Object.getOwnPropertyNames(Object.prototype), 'prototype', '__proto__']),
];
