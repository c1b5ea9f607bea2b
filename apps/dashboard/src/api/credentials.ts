/** What the person typed at the login: an API key, or a bearer token from the identity provider. */
export type Credential = { kind: 'api-key'; value: string } | { kind: 'bearer'; value: string };

const KEY = 'twinlog.credential';

/** The store the credential is kept in for the tab's life (sessionStorage in the page). */
export interface CredentialStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export function loadCredential(store: CredentialStore): Credential | undefined {
  try {
    const value = JSON.parse(store.getItem(KEY) ?? 'null') as Partial<Credential> | null;
    if ((value?.kind === 'api-key' || value?.kind === 'bearer') && typeof value.value === 'string')
      return value as Credential;
  } catch {
    // A value someone edited by hand: as if none.
  }
  return undefined;
}

export function saveCredential(store: CredentialStore, credential: Credential | undefined): void {
  if (credential) store.setItem(KEY, JSON.stringify(credential));
  else store.removeItem(KEY);
}

/** The headers a credential is sent as (ADR 0015): `X-Api-Key`, or `Authorization: Bearer`. */
export function credentialHeaders(credential: Credential | undefined): Record<string, string> {
  if (!credential) return {};
  return credential.kind === 'api-key'
    ? { 'x-api-key': credential.value }
    : { authorization: `Bearer ${credential.value}` };
}
