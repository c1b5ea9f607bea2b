import { isTwinlogError } from '@twinlog/domain';
import { maintenanceBody, parseBody, registerBody, retireBody } from './command-bodies';

// Every field a caller sends is checked here, so a refusal is COMMAND_INVALID naming the field:
// the event schema behind the decider (EVENT_INVALID) must never be what answers a caller.
function refusal(fn: () => unknown): { code: string; problems: string[] } {
  try {
    fn();
  } catch (error) {
    if (!isTwinlogError(error)) throw error;
    return { code: error.code, problems: (error.details?.['problems'] as string[]) ?? [] };
  }
  throw new Error('expected a refusal');
}

const huge = 'x'.repeat(60_000);

describe('command bodies', () => {
  it.each([
    [
      'componentId',
      maintenanceBody,
      { kind: 'repair', performedAt: '2026-01-01T00:00:00Z', componentId: huge },
    ],
    [
      'resets.0',
      maintenanceBody,
      { kind: 'repair', performedAt: '2026-01-01T00:00:00Z', resets: [huge] },
    ],
    ['parentId', registerBody, { twinId: 'a', twinType: 'mill', parentId: huge }],
    ['twinType', registerBody, { twinId: 'a', twinType: huge }],
    ['site', registerBody, { twinId: 'a', twinType: 'mill', site: huge }],
    ['reason', retireBody, { reason: huge }],
  ] as const)(
    'refuses a 60,000-character %s with COMMAND_INVALID naming it',
    (field, schema, body) => {
      const { code, problems } = refusal(() => parseBody(schema, body));
      expect(code).toBe('COMMAND_INVALID');
      expect(problems.join('\n')).toContain(`${field}:`);
    },
  );

  it('refuses too many resets, and empty ids', () => {
    const at = '2026-01-01T00:00:00Z';
    const many = Array.from({ length: 1_000 }, (_, i) => `p${i}`);
    expect(
      refusal(() => parseBody(maintenanceBody, { kind: 'repair', performedAt: at, resets: many }))
        .code,
    ).toBe('COMMAND_INVALID');
    expect(
      refusal(() =>
        parseBody(maintenanceBody, { kind: 'repair', performedAt: at, componentId: '' }),
      ).code,
    ).toBe('COMMAND_INVALID');
  });

  it('takes a site of up to 200 characters, as the twin list filter does', () => {
    expect(
      parseBody(registerBody, { twinId: 'a', twinType: 'mill', site: 's'.repeat(200) }).site,
    ).toHaveLength(200);
  });

  it('passes a time given as a number on to the decider (which answers 422 TIMESTAMP_IMPLAUSIBLE)', () => {
    expect(
      parseBody(registerBody, { twinId: 'a', twinType: 'mill', commissionedAt: 1 }).commissionedAt,
    ).toBe(1);
    expect(parseBody(maintenanceBody, { kind: 'repair', performedAt: 2 }).performedAt).toBe(2);
  });
});
