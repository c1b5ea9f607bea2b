import { LoginView } from '../auth/LoginView';
import { caller, sessionState, signOut } from '../auth/session';
import { LiveIndicator } from '../components/LiveIndicator';
import { streamProblem, streamStatus, toggleStream } from '../stream/page-stream';
import { PageHost } from './PageHost';

/** The frame of every page: a header (the plant, who is signed in, the live state) and the page. */
export function App() {
  if (sessionState.value === 'checking')
    return (
      <p role="status" class="boot">
        Loading Twinlog…
      </p>
    );
  if (sessionState.value === 'login') return <LoginView />;
  const who = caller.value;
  return (
    <>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="top">
        <a class="brand" href="/">
          Twinlog
        </a>
        <nav aria-label="Pages">
          <a href="/">Plant</a>
          <a href="/alerts">Alerts</a>
          <a href="/what-if">What if</a>
        </nav>
        <LiveIndicator
          status={streamStatus.value}
          problem={streamProblem.value}
          onToggle={toggleStream}
        />
        {who && (
          <div class="who">
            <span>
              {who.id} <span class="role">({who.role})</span>
            </span>
            {who.id !== 'anonymous' && (
              <button type="button" class="quiet" onClick={() => signOut('Signed out.')}>
                Sign out
              </button>
            )}
          </div>
        )}
      </header>
      <main id="main" tabIndex={-1}>
        <PageHost />
      </main>
    </>
  );
}
