import { computed, signal } from '@preact/signals';
import { ApiClient } from '../api/client';
import { ApiError } from '../api/api-error';
import {
  credentialHeaders,
  loadCredential,
  saveCredential,
  type Credential,
} from '../api/credentials';
import type { Role, Whoami } from '../api/types';
import { roleAllows } from './roles';

/** Who is signed in (undefined: not yet known, or signed out). */
export const caller = signal<Whoami | undefined>(undefined);
/** Why the login is shown: a plain message (a 401 during use, a wrong key). */
export const loginMessage = signal<string | undefined>(undefined);
/** 'checking' until the first whoami answered; then 'in' or 'login'. */
export const sessionState = signal<'checking' | 'in' | 'login'>('checking');

let credential: Credential | undefined = loadCredential(sessionStorage);

/** The page's one API client: the stored credential, and back to the login on any 401. */
export const api = new ApiClient({
  headers: () => credentialHeaders(credential),
  onUnauthorized: (message) => signOut(`Signed out: ${message}`),
});

/** `can('operator')`: render a control only for callers whose role may use it. */
export function can(role: Role): boolean {
  return roleAllows(caller.value, role);
}
export const roleText = computed(() => caller.value?.role ?? '');

/** Asks the API who the stored credential is (with auth off: the anonymous principal). */
export async function startSession(): Promise<void> {
  try {
    caller.value = await api.whoami();
    sessionState.value = 'in';
  } catch (error) {
    if (!(error instanceof ApiError && error.status === 401)) {
      loginMessage.value = `The API did not answer: ${(error as Error).message}`;
    }
    sessionState.value = 'login';
  }
}

/** Keeps the credential for the tab's life and checks it with whoami. */
export async function signIn(next: Credential): Promise<void> {
  credential = next;
  saveCredential(sessionStorage, next);
  loginMessage.value = undefined;
  await startSession();
  // A refused credential is not a sign-out: say so plainly, and keep nothing of it.
  const said = loginMessage.peek() as string | undefined;
  if (sessionState.peek() === 'login' && !credential && said)
    loginMessage.value = said.replace(/^Signed out: /, 'That credential was refused: ');
}

export function signOut(message?: string): void {
  credential = undefined;
  saveCredential(sessionStorage, undefined);
  caller.value = undefined;
  loginMessage.value = message;
  sessionState.value = 'login';
}
