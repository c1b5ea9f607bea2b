import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Which service the running code belongs to, for the log lines. Nest's Logger is one global:
 * with several Nest apps in one process (the all-in-one) the last app's logger takes every
 * line. Whatever a service starts inside `asService` (its server, consumers, timers) carries
 * the service's name, and StructuredLogger prefers it to its own.
 */
const current = new AsyncLocalStorage<string>();

export function asService<T>(service: string, start: () => T): T {
  return current.run(service, start);
}

export function currentService(): string | undefined {
  return current.getStore();
}
