import { useEffect, useState } from 'preact/hooks';
import { maintenanceReport } from '../../api/client';
import type { MaintenanceReport } from '../../api/types';
import { api } from '../../auth/session';
import { useAiStatus } from '../use-ai-status';
import { figureText, sourceText } from './maintenance-report';

/**
 * "Maintenance report": the AI layer's report of the twin and the twins below it, asked on a
 * click (it costs tokens). Shown only while the maintenance service, which writes it, says AI is
 * on there (`GET /v1/ai/maintenance`). The model wrote the
 * words; every number is one of Twinlog's figures, listed with its source below the text.
 * Rendered as text, never as HTML: nothing the model writes becomes markup.
 */
export function MaintenanceReportPanel({ twinId }: { twinId: string }) {
  const enabled = useAiStatus('maintenance')?.enabled === true;
  const [report, setReport] = useState<MaintenanceReport | undefined>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();

  useEffect(() => {
    setReport(undefined);
    setError(undefined);
  }, [twinId]);

  if (!enabled) return null;
  const ask = () => {
    setBusy(true);
    setError(undefined);
    maintenanceReport(api, twinId)
      .then(setReport)
      .catch((e: unknown) => setError((e as Error).message))
      .finally(() => setBusy(false));
  };
  return (
    <section aria-labelledby="report-title" class="panel" data-testid="maintenance-report">
      <h2 id="report-title">Maintenance report</h2>
      <p class="hint">
        Written by a language model from Twinlog’s figures for this twin and the twins below it:
        every number in it is one of the figures listed under the report.
      </p>
      <button type="button" onClick={ask} disabled={busy} data-testid="maintenance-report-ask">
        {busy ? 'Writing the report…' : report ? 'Write it again' : 'Maintenance report'}
      </button>
      {error && (
        <p class="notice" role="alert" data-testid="maintenance-report-error">
          {error}
        </p>
      )}
      {report && (
        <article data-testid="maintenance-report-text">
          <p class="hint">
            {report.generatedAt} · {report.model}
            {report.cached ? ' · from the cache' : ''}
          </p>
          {report.sections.map((s, i) => (
            <section key={i}>
              <h3>{s.title}</h3>
              {s.text.split(/\n{2,}/).map((paragraph, j) => (
                <p key={j}>{paragraph}</p>
              ))}
            </section>
          ))}
          <details data-testid="maintenance-report-figures">
            <summary>The figures ({report.figures.length}) and their sources</summary>
            <table>
              <thead>
                <tr>
                  <th>id</th>
                  <th>figure</th>
                  <th>value</th>
                  <th>twin</th>
                  <th>source</th>
                </tr>
              </thead>
              <tbody>
                {report.figures.map((f) => (
                  <tr key={f.id}>
                    <td>{f.id}</td>
                    <td>{f.label}</td>
                    <td>{figureText(f)}</td>
                    <td>{f.twinId ?? '—'}</td>
                    <td>{sourceText(f)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </details>
        </article>
      )}
    </section>
  );
}
