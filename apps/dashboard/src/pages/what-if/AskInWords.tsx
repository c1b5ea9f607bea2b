import { askedRequests } from '@twinlog/domain';
import { useState } from 'preact/hooks';
import type { ScenarioAsk } from '../../api/scenario-ask';
import { useAiStatus } from '../use-ai-status';

/**
 * "Ask in plain words": the words go to POST /v1/simulations/ask; the page fills its form with
 * the scenario that ran (to edit and run again) and shows the result. Offered only when
 * the simulation service, which asks, says AI is on there (GET /v1/ai/simulation); otherwise it says plainly that it is off and how to turn it on.
 */
export function AskInWords({
  twin,
  canAsk,
  busy,
  asked,
  onAsk,
}: {
  twin: string;
  canAsk: boolean;
  busy: boolean;
  asked: ScenarioAsk | undefined;
  onAsk: (text: string) => void;
}) {
  const status = useAiStatus('simulation');
  const [text, setText] = useState('');
  if (!status) return null;
  return (
    <section class="ask-in-words" aria-labelledby="ask-title" data-testid="ask-in-words">
      <h2 id="ask-title">Ask in plain words</h2>
      {!status.enabled ? (
        <p class="notice">
          AI is off, so a scenario cannot be asked in words here (the form below works as always).
          To turn it on: {status.howToEnable}
        </p>
      ) : !canAsk ? (
        <p class="summary">Asking in words runs a scenario: it needs the operator role.</p>
      ) : (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            if (twin && text.trim() && !busy) onAsk(text);
          }}
        >
          <label>
            What if…
            <textarea
              rows={2}
              maxLength={2000}
              placeholder="the coolant pump fails and the temperature rises 2 °C an hour"
              value={text}
              onInput={(e) => setText((e.target as HTMLTextAreaElement).value)}
            />
          </label>
          <button type="submit" class="primary" disabled={busy || !twin || !text.trim()}>
            Ask and run
          </button>
          {!twin && <span class="summary"> Choose a twin first.</span>}
        </form>
      )}
      {asked && (
        <div class="asked" data-testid="asked-scenario" role="status">
          <p>
            “{asked.text}” became the scenario in the form below ({asked.model}
            {asked.cached ? ', a remembered answer' : ''}): edit it and run it again as you like.
          </p>
          {asked.assumptions.length > 0 && (
            <>
              <h3>Assumed</h3>
              <ul>
                {asked.assumptions.map((a, i) => (
                  <li key={i}>{a}</li>
                ))}
              </ul>
            </>
          )}
          <details>
            <summary>The scenario as the API takes it</summary>
            {/* The bodies the routes accept as they are: the run, and with mitigations the comparison. */}
            {askedRequests(asked).map((r) => (
              <div key={r.route} data-testid="asked-request">
                <p class="summary">
                  <code>{r.route}</code>
                </p>
                <pre>{JSON.stringify(r.body, null, 2)}</pre>
              </div>
            ))}
          </details>
        </div>
      )}
    </section>
  );
}
