import { useEffect, useRef, useState } from 'preact/hooks';
import { maintenanceReport } from '../../api/client';
import type { MaintenanceReport, ReportFigure } from '../../api/types';
import { api, can } from '../../auth/session';
import { useAiStatus } from '../use-ai-status';
import {
  citedSections,
  figureText,
  paragraphsOf,
  type ReportPart,
  sourceText,
} from './maintenance-report';

const rowId = (figure: ReportFigure) => `report-figure-${figure.id}`;

/**
 * "Maintenance report": the AI layer's report of the twin and the twins below it, asked on a
 * click (it costs tokens). Shown only while the maintenance service, which writes it, says AI is
 * on there (`GET /v1/ai/maintenance`). The model wrote the words; every number is one of
 * Twinlog's figures: each value links to its figure's row, with its source, below the text.
 * Rendered as text, never as HTML: nothing the model writes becomes markup. Asked again, an
 * operator's click asks the model anew (`refresh`); a viewer's shows the report again (the
 * cached one while it lasts).
 */
export function MaintenanceReportPanel({ twinId }: { twinId: string }) {
  const enabled = useAiStatus('maintenance')?.enabled === true;
  const [report, setReport] = useState<MaintenanceReport | undefined>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const figures = useRef<HTMLDetailsElement>(null);

  useEffect(() => {
    setReport(undefined);
    setError(undefined);
  }, [twinId]);

  if (!enabled) return null;
  const rewrite = can('operator');
  const ask = () => {
    setBusy(true);
    setError(undefined);
    maintenanceReport(api, twinId, { refresh: report !== undefined && rewrite })
      .then(setReport)
      .catch((e: unknown) => setError((e as Error).message))
      .finally(() => setBusy(false));
  };
  const showFigure = (figure: ReportFigure) => {
    if (figures.current) figures.current.open = true;
    const row = document.getElementById(rowId(figure));
    row?.scrollIntoView({ block: 'center' });
    row?.focus();
  };
  const partsOf = (parts: readonly ReportPart[]) =>
    parts.map((part, i) =>
      'words' in part ? (
        part.words
      ) : (
        <a
          key={i}
          href={`#${rowId(part.figure)}`}
          class="figure-cite"
          data-testid="maintenance-report-cite"
          data-figure={part.figure.id}
          aria-describedby={`${rowId(part.figure)}-label ${rowId(part.figure)}-source`}
          onClick={(event) => {
            event.preventDefault();
            showFigure(part.figure);
          }}
        >
          {part.text}
          <span class="cite-id"> [{part.figure.id}]</span>
        </a>
      ),
    );
  return (
    <section aria-labelledby="report-title" class="panel" data-testid="maintenance-report">
      <h2 id="report-title">Maintenance report</h2>
      <p class="hint">
        Written by a language model from Twinlog’s figures for this twin and the twins below it:
        every number in it is one of the figures listed under the report, and is followed by its id
        ([F1]), a link to the figure and its source.
      </p>
      <button type="button" onClick={ask} disabled={busy} data-testid="maintenance-report-ask">
        {busy
          ? 'Writing the report…'
          : !report
            ? 'Maintenance report'
            : rewrite
              ? 'Write it again'
              : 'Show again'}
      </button>
      {report && rewrite && (
        <p class="hint">“Write it again” asks the model anew, and costs tokens again.</p>
      )}
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
          {citedSections(report).map((s, i) => (
            <section key={i}>
              <h3>{partsOf(s.title)}</h3>
              {paragraphsOf(s.text).map((paragraph, j) => (
                <p key={j}>{partsOf(paragraph)}</p>
              ))}
            </section>
          ))}
          <details ref={figures} data-testid="maintenance-report-figures">
            <summary>The figures ({report.figures.length}) and their sources</summary>
            <table class="report-figures">
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
                  <tr key={f.id} id={rowId(f)} tabIndex={-1}>
                    <td>{f.id}</td>
                    <td id={`${rowId(f)}-label`}>{f.label}</td>
                    <td>{figureText(f)}</td>
                    <td>{f.twinId ?? '—'}</td>
                    <td id={`${rowId(f)}-source`}>{sourceText(f)}</td>
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
