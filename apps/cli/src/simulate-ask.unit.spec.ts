import { printable } from './commands/printable';
import { describeAsk, parseAskArgs } from './commands/simulate-ask.command';

describe('twinlog simulate --ask', () => {
  it('takes the twin, the words, a start and --json', () => {
    expect(
      parseAskArgs([
        '--twin',
        'cnc-01',
        '--ask',
        'the pump fails',
        '--at',
        '2026-01-01T00:00:00Z',
        '--json',
      ]),
    ).toEqual({
      twinId: 'cnc-01',
      ask: 'the pump fails',
      at: '2026-01-01T00:00:00Z',
      json: true,
    });
  });

  it('refuses scenario flags beside the words, and a missing twin or question', () => {
    expect(() => parseAskArgs(['--twin', 'a', '--ask', 'x', '--horizon', '2h'])).toThrow(
      /--horizon does not go with --ask/,
    );
    expect(() => parseAskArgs(['--ask', 'x'])).toThrow(/--twin is required/);
    expect(() => parseAskArgs(['--twin', 'a', '--ask', '  '])).toThrow(/--ask needs the what-if/);
    expect(() => parseAskArgs(['--twin', 'a', '--ask'])).toThrow(/--ask needs a value/);
  });

  it('prints the scenario that ran as the JSON body that reruns it, its mitigations and what was assumed', () => {
    const lines: string[] = [];
    const scenario = { twinId: 'cnc-01', horizon: 7200, perturbations: [] };
    describeAsk(
      {
        text: 'the pump fails',
        scenario,
        mitigations: [{ kind: 'set', target: 'spindle_speed', value: 3000 }],
        assumptions: ['at once'],
        model: 'local-llama',
      },
      (l) => lines.push(l),
    );
    expect(lines[0]).toBe(
      'scenario from your words (local-llama; rerun or edit it as a POST /v1/simulations body):',
    );
    expect(JSON.parse(lines[1]!)).toEqual(scenario);
    expect(lines).toContain('assumptions:');
    expect(lines).toContain('  - at once');
    expect(lines.join('\n')).toMatch(/mitigations \(compared/);
  });

  it("prints no control character of the model's words (model name, assumptions)", () => {
    const lines: string[] = [];
    describeAsk(
      {
        text: 'x',
        scenario: { twinId: 'cnc-01' },
        mitigations: [],
        assumptions: ['at once\u001b]0;pwned\u0007\u001bc'],
        model: 'llama\u001b[2J',
      },
      (l) => lines.push(l),
    );
    expect(lines.join('\n')).toBe(printable(lines.join('\n')));
    expect(lines).toContain('  - at once ]0;pwned  c');
  });
});
