import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getAllPages } from './commands/api-client';
import { printable } from './commands/printable';
import { describeAsk, parseAskArgs } from './commands/simulate-ask.command';
import { call } from './commands/simulation-job';

/** The message a refusal with this body becomes, from a server that answers only it. */
async function refusal(body: unknown, ask: (base: string) => Promise<unknown>): Promise<string> {
  const server = createServer((_req, res) => {
    res.statusCode = 422;
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    await ask(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    throw new Error('not refused');
  } catch (error) {
    return (error as Error).message;
  } finally {
    server.close();
  }
}

// ESC (a screen clear, a terminal reset), OSC (the window title), BEL and a C1 CSI.
const HOSTILE = 'no.\u001b[H\u001b[J\u001bcFAKE\u001b]0;pwned\u0007\u009b2J';

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

  it("prints no control character of a refusal's words: reason, unsupported parts, problems", async () => {
    const notSimulable = await refusal(
      {
        error: {
          code: 'SCENARIO_NOT_SIMULABLE',
          message: `cannot simulate that: ${HOSTILE}`,
          details: { reason: HOSTILE, unsupported: [`x${HOSTILE}y`] },
        },
      },
      (base) => call(base, 'POST', '/v1/simulations/ask', { twinId: 'cnc-03', text: 'x' }),
    );
    expect(notSimulable).toBe(printable(notSimulable));
    expect(notSimulable).toContain('cannot simulate that: no.');
    expect(notSimulable).toContain('\n  - xno.');
    const invalid = await refusal(
      { error: { code: 'AI_ANSWER_INVALID', message: 'x', details: { problems: [HOSTILE] } } },
      (base) => call(base, 'POST', '/v1/simulations/ask', {}),
    );
    expect(invalid).toBe(printable(invalid));
    expect(invalid).toContain('\n  - no.');
    const listed = await refusal(
      { error: { code: 'AI_ANSWER_INVALID', message: HOSTILE, details: { problems: [HOSTILE] } } },
      (base) => getAllPages(base, '/v1/twins', 'twins'),
    );
    expect(listed).toBe(printable(listed));
    expect(listed).toContain('AI_ANSWER_INVALID: no.');
  });
});
