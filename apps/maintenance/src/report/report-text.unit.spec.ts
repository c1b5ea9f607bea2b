import fc from 'fast-check';
import type { Figure } from './report-facts';
import {
  checkReportSections,
  figureText,
  REPORT_SECTIONS,
  reportMarkdown,
  substitute,
  type ReportSections,
} from './report-text';

const at = '2026-12-06T12:00:00.000Z';
const fig = (id: string, value: number | string, unit: string | null = null): Figure => ({
  id,
  label: `label of ${id}`,
  value,
  unit,
  twinId: 'spindle-07',
  source: { eventId: `evt-${id}`, at },
});
const FIGURES = [
  fig('F1', 61.2, '/100'),
  fig('F2', 40, 'h'),
  fig('F3', 'high'),
  fig('F4', 'see {F2} | 99'),
];
const one = (text: string, title = 'Summary'): ReportSections => ({ sections: [{ title, text }] });

describe('checkReportSections', () => {
  it('accepts words and known placeholders', () => {
    expect(
      checkReportSections(
        one('Health is {F1}, early end of life in {F2} ({F3}).', 'On {F3}'),
        FIGURES,
      ),
    ).toEqual([]);
  });

  it.each([
    ['a digit of its own', 'Health is 61 points.'],
    ['a digit next to a placeholder', 'Health is {F1}0.'],
    ['a fullwidth digit', 'Health is ６１.'],
    ['an Arabic-Indic digit', 'Health is ٦١.'],
    ['a circled number', 'Priority ③.'],
    ['a lower-case placeholder', 'Health is {f1}.'],
  ])('refuses %s', (_, text) => {
    expect(checkReportSections(one(text), FIGURES).join()).toMatch(/digit outside a placeholder/);
  });

  it('refuses an unknown placeholder, naming it, and a digit in a title', () => {
    expect(checkReportSections(one('Health is {F9} and {F01}.'), FIGURES)).toEqual([
      'sections.0.text: {F9} is not one of the figures',
      'sections.0.text: {F01} is not one of the figures',
    ]);
    expect(checkReportSections(one('ok', 'Top 5'), FIGURES).join()).toMatch(
      /sections\.0\.title: a digit/,
    );
  });

  it('refuses placeholders joined into one number', () => {
    for (const text of ['{F1}{F2}', '{F1}.{F2}', '{F1},{F2}']) {
      expect(checkReportSections(one(text), FIGURES).join()).toMatch(/separated by words/);
    }
  });
});

describe('substitute and the markdown', () => {
  it("puts in each figure's value and unit, once: a value's own braces are not read again", () => {
    expect(substitute('{F1}; {F2}; {F4}', FIGURES)).toBe('61.2/100; 40 h; see {F2} | 99');
    expect(substitute('{F2}', FIGURES, true)).toBe('40 h [F2]');
  });

  it('is the sections with [F…] citations, then every figure with its source, table cells escaped', () => {
    const markdown = reportMarkdown(
      {
        scope: { kind: 'twin', twinId: 'cnc-07' },
        generatedAt: at,
        model: 'test-model',
        figures: FIGURES,
        sections: [],
      },
      one('Health is {F1}.', 'On\n# {F3}'),
    );
    expect(markdown).toContain('# Maintenance report: twin cnc-07');
    expect(markdown).toContain('## On # high [F3]\n\nHealth is 61.2/100 [F1].');
    expect(markdown).toContain(
      '| F4 | label of F4 | see {F2} \\| 99 | spindle-07 | event evt-F4 at 2026-12-06T12:00:00.000Z |',
    );
  });
});

/** Every number in a text: runs of digits of any script, with . or , between digits. */
const numbersIn = (text: string) => [...text.matchAll(/\p{N}+(?:[.,]\p{N}+)*/gu)].map((m) => m[0]);

describe('whatever the model writes, no number reaches the report that is not a figure', () => {
  const figureArb = fc
    .array(
      fc.record({
        label: fc.string(),
        value: fc.oneof(
          fc.double({ noNaN: true, noDefaultInfinity: true }),
          fc.integer(),
          fc.string(),
          fc.constantFrom('2026-12-07T00:00:00.000Z', 'x9', '1.', '.5', '{F1}', ''),
        ),
        unit: fc.option(fc.constantFrom('h', '/100', 'twins', '', '%', 'm3/h'), { nil: null }),
        twinId: fc.option(fc.string(), { nil: null }),
      }),
      { minLength: 4, maxLength: 8 },
    )
    .map((figures) =>
      figures.map((f, i): Figure => ({ ...f, id: `F${i + 1}`, source: { query: 'q', at } })),
    );
  // Text as a model might write it: words, digits of any script, separators, placeholders
  // of figures that exist and of ones that do not.
  const segment = fc.oneof(
    fc.string(),
    fc.string({ unit: 'grapheme' }),
    fc.constantFrom('.', ',', ' ', '-', '{', '}', 'F', '{F', '3', '٣', '３', '½', 'Ⅻ', '\n'),
    fc.nat({ max: 10 }).map((n) => `{F${n}}`),
    fc.nat({ max: 10 }).map((n) => `{F${n}}`),
  );
  const hostile = fc.array(segment, { maxLength: 12 }).map((parts) => parts.join(''));
  // And text that mostly follows the rules, so that many answers pass the check.
  const careful = fc
    .array(
      fc.oneof(
        fc.string({ unit: 'grapheme' }).map((t) => t.replace(/\p{N}/gu, '')),
        fc.constantFrom('.', ',', ' ', '-', '{', '}', 'F'),
        fc.nat({ max: 3 }).map((n) => `{F${n + 1}}`),
      ),
      { maxLength: 12 },
    )
    .map((parts) => parts.join(''));
  const text = fc.oneof({ arbitrary: careful, weight: 4 }, { arbitrary: hostile, weight: 1 });
  const answerArb = fc.record({
    sections: fc.array(fc.record({ title: text, text }), { minLength: 1, maxLength: 3 }),
  });

  it('holds for the sections and the whole markdown (a property)', () => {
    let accepted = 0;
    fc.assert(
      fc.property(figureArb, answerArb, (figures, answer) => {
        if (checkReportSections(answer, figures).length > 0) return;
        accepted += 1;
        const allowed = new Set(figures.flatMap((f) => numbersIn(figureText(f))));
        for (const s of answer.sections) {
          for (const n of numbersIn(
            substitute(s.title, figures) + '\n' + substitute(s.text, figures),
          ))
            expect(allowed).toContain(n);
        }
        // The markdown adds only Twinlog's own text: figure ids, labels, twins, sources, the time.
        const report = {
          scope: { kind: 'site' as const, site: 'plant-a' },
          generatedAt: at,
          model: 'test-model',
          figures,
          sections: [],
        };
        const twinlogs = new Set(
          numbersIn(JSON.stringify(figures) + figures.map(figureText).join(' ') + at + 'F'),
        );
        for (const n of numbersIn(reportMarkdown(report, answer))) {
          if (!allowed.has(n)) expect(twinlogs).toContain(n);
        }
      }),
      { numRuns: 2000 },
    );
    // The property is not vacuous: many generated answers passed the check.
    expect(accepted).toBeGreaterThan(300);
  });

  it('refuses any text with a digit outside its placeholders (a property)', () => {
    fc.assert(
      fc.property(text, fc.constantFrom('7', '٣', '３', '①'), text, (before, digit, after) => {
        const written = `${before}${digit}${after}`;
        if (
          written.replace(/\{F\d+\}/g, '') === written.replace(/\{F\d+\}/g, '').replace(digit, '')
        )
          return; // the digit became part of a placeholder
        expect(checkReportSections(one(written), [fig('F1', 1)])).not.toEqual([]);
      }),
    );
  });

  it('the answer schema bounds the sections', () => {
    expect(REPORT_SECTIONS.safeParse({ sections: [] }).success).toBe(false);
    expect(REPORT_SECTIONS.safeParse(one('x'.repeat(4001))).success).toBe(false);
  });
});
