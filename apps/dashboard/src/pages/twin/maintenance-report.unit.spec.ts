import type { MaintenanceReport, ReportFigure } from '../../api/types';
import {
  citedSections,
  figureText,
  paragraphsOf,
  type ReportPart,
  sourceText,
} from './maintenance-report';

const at = '2026-12-06T12:00:00.000Z';

describe('the maintenance report panel’s figures', () => {
  it('writes a value with its unit as the report does', () => {
    const base = { id: 'F1', label: 'x', twinId: null, source: { eventId: 'e1', at } };
    expect(figureText({ ...base, value: 61.2, unit: '/100' })).toBe('61.2/100');
    expect(figureText({ ...base, value: 40, unit: 'h' })).toBe('40 h');
    expect(figureText({ ...base, value: 'high', unit: null })).toBe('high');
  });

  it('names the source event or query', () => {
    const base = { id: 'F1', label: 'x', twinId: null, value: 1, unit: null };
    expect(sourceText({ ...base, source: { eventId: 'e1', at } })).toBe(`event e1, ${at}`);
    expect(
      sourceText({ ...base, source: { query: 'GET /v1/reports/maintenance?twin=a', at } }),
    ).toBe(`GET /v1/reports/maintenance?twin=a, ${at}`);
  });
});

describe('the report’s citations, read from its markdown', () => {
  const source = { eventId: 'e1', at };
  const figures: ReportFigure[] = [
    { id: 'F1', label: 'twins in the report', value: 3, unit: 'twins', twinId: null, source },
    { id: 'F2', label: 'health index', value: 61.2, unit: '/100', twinId: 'cnc-01', source },
    { id: 'F3', label: 'twin', value: 'Mill  [F1] one', unit: null, twinId: 'cnc-01', source },
    { id: 'F12', label: 'open anomalies', value: 0, unit: 'anomalies', twinId: null, source },
  ];
  // As the maintenance service writes it (report-text.ts reportMarkdown).
  const report: MaintenanceReport = {
    scope: { kind: 'twin', twinId: 'cnc-01' },
    generatedAt: at,
    model: 'm',
    cached: false,
    figures,
    sections: [
      {
        title: 'Health of Mill  [F1] one',
        text: 'Of 3 twins, 61.2/100 (0 anomalies).\n\nCheck Mill  [F1] one.',
      },
      { title: 'Plan', text: 'Nothing.\n\n## Figures\n\nnone' },
    ],
    markdown: [
      '# Maintenance report: twin cnc-01',
      '',
      `_Generated ${at} by m from Twinlog's data: every figure is Twinlog's and cited as [F…]; the model wrote only the words._`,
      '',
      '## Health of Mill [F1] one [F3]',
      '',
      'Of 3 twins [F1], 61.2/100 [F2] (0 anomalies [F12]).\n\nCheck Mill  [F1] one [F3].',
      '',
      '## Plan',
      '',
      'Nothing.\n\n## Figures\n\nnone',
      '',
      '## Figures',
      '',
      '| id | figure | value | twin | source |',
      '| --- | --- | --- | --- | --- |',
      '| F1 | twins in the report | 3 twins | | e1 |',
      '',
    ].join('\n'),
  };
  const shown = (parts: ReportPart[]) =>
    parts.map((p) => ('words' in p ? p.words : `<${p.text}=${p.figure.id}>`)).join('');

  it('ties each value to its figure, in titles and texts, even when a value looks like a citation', () => {
    const sections = citedSections(report);
    expect(sections.map((s) => [shown(s.title), shown(s.text)])).toEqual([
      [
        'Health of <Mill [F1] one=F3>',
        'Of <3 twins=F1>, <61.2/100=F2> (<0 anomalies=F12>).\n\nCheck <Mill  [F1] one=F3>.',
      ],
      ['Plan', 'Nothing.\n\n## Figures\n\nnone'],
    ]);
    expect(paragraphsOf(sections[0]!.text).map(shown)).toEqual([
      'Of <3 twins=F1>, <61.2/100=F2> (<0 anomalies=F12>).',
      'Check <Mill  [F1] one=F3>.',
    ]);
  });

  it('shows the sections uncited when the markdown is not theirs with citations', () => {
    for (const markdown of [
      report.markdown.replace('61.2/100 [F2]', '61.3/100 [F2]'),
      report.markdown.replace('\n\n## Figures\n\n|', '\n\n## Table\n\n|'),
      report.markdown.replace('## Plan', '## Later'),
      '',
    ]) {
      expect(
        citedSections({ ...report, markdown }).map((s) => [shown(s.title), shown(s.text)]),
      ).toEqual(report.sections.map((s) => [s.title, s.text]));
    }
  });
});
