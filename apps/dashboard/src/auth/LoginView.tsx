import { useState } from 'preact/hooks';
import type { Credential } from '../api/credentials';
import { loginMessage, signIn } from './session';

/** Asks for an API key or a bearer token (ADR 0015); kept in sessionStorage for this tab only. */
export function LoginView() {
  const [kind, setKind] = useState<Credential['kind']>('api-key');
  const [value, setValue] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    if (!value.trim()) return;
    setBusy(true);
    await signIn({ kind, value: value.trim() });
    setBusy(false);
  };
  return (
    <main id="main" class="login">
      <h1>Sign in to Twinlog</h1>
      {loginMessage.value && (
        <p class="notice" role="alert">
          {loginMessage.value}
        </p>
      )}
      <form onSubmit={submit}>
        <fieldset>
          <legend>Credential</legend>
          <label class="choice">
            <input
              type="radio"
              name="kind"
              checked={kind === 'api-key'}
              onChange={() => setKind('api-key')}
            />
            API key
          </label>
          <label class="choice">
            <input
              type="radio"
              name="kind"
              checked={kind === 'bearer'}
              onChange={() => setKind('bearer')}
            />
            Bearer token
          </label>
        </fieldset>
        <label for="credential">{kind === 'api-key' ? 'Your API key' : 'Your token'}</label>
        <input
          id="credential"
          type="password"
          autocomplete="off"
          value={value}
          onInput={(e) => setValue((e.target as HTMLInputElement).value)}
          required
        />
        <button type="submit" disabled={busy}>
          {busy ? 'Checking…' : 'Sign in'}
        </button>
      </form>
      <p class="hint">
        Kept for this browser tab only. <code>npm start</code> keeps its first admin key in its data
        directory (<code>admin.key</code>); an administrator makes others with{' '}
        <code>POST /v1/admin/keys</code>.
      </p>
    </main>
  );
}
