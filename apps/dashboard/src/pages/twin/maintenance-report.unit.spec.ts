import { figureText, sourceText } from './maintenance-report';

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
