import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CliError } from './commands/api-client';
import { reportCommand, reportQuery } from './commands/report.command';

describe('twinlog report', () => {
  it('asks for exactly one of --twin and --site, percent-encoded', () => {
    expect(reportQuery(['--twin', 'cnc-07'])).toBe('twin=cnc-07');
    expect(reportQuery(['--site', 'plant a&b', '--json'])).toBe('site=plant%20a%26b');
    expect(reportQuery(['--twin', '__proto__'])).toBe('twin=__proto__');
    for (const args of [
      [],
      ['--twin', 'a', '--site', 'b'],
      ['--twin'],
      ['--twin', '--json'],
      ['cnc-07'],
      ['--twin', 'a', '--twin', 'b'],
      ['--all'],
    ]) {
      expect(() => reportQuery(args)).toThrow(CliError);
    }
  });

  describe('against a server', () => {
    let status = 200;
    let body: unknown = {};
    const asked: string[] = [];
    const server = createServer((req, res) => {
      asked.push(req.url ?? '');
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    });
    let base = '';
    beforeAll(async () => {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise((resolve) => server.close(resolve)));

    it('prints the markdown, or the whole answer with --json', async () => {
      status = 200;
      body = { markdown: '# Maintenance report: twin cnc-07\n\nAll well.\n', figures: [] };
      const lines: string[] = [];
      await expect(reportCommand(base, ['--twin', 'cnc-07'], (l) => lines.push(l))).resolves.toBe(
        0,
      );
      expect(lines).toEqual(['# Maintenance report: twin cnc-07\n\nAll well.']);
      expect(asked.at(-1)).toBe('/v1/reports/maintenance?twin=cnc-07');
      lines.length = 0;
      await reportCommand(base, ['--site', 'plant-a', '--json'], (l) => lines.push(l));
      expect(JSON.parse(lines[0]!)).toEqual(body);
    });

    it("prints no control character of the model's words: no escape sequence reaches the terminal", async () => {
      status = 200;
      body = {
        markdown: '# Report\n\nAll\u001b[2J\u001bc well\u009b31m.\tDone\u0007\n',
        figures: [],
      };
      const lines: string[] = [];
      await reportCommand(base, ['--twin', 'cnc-07'], (l) => lines.push(l));
      expect(lines).toEqual(['# Report\n\nAll [2J c well 31m.\tDone ']);
    });

    it('with AI off says so, how to turn it on, and exits 2', async () => {
      status = 503;
      body = {
        error: { code: 'AI_OFF', message: 'AI is off: set OPENAI_API_KEY ... see docs/ai.md' },
      };
      const failure = reportCommand(base, ['--twin', 'cnc-07'], () => undefined);
      await expect(failure).rejects.toThrow(/AI_OFF: AI is off: set OPENAI_API_KEY/);
      await expect(failure).rejects.toMatchObject({ exitCode: 2 });
    });
  });
});
