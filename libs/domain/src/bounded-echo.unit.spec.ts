import fc from 'fast-check';
import { bounded, boundedError, ECHO_LIMITS, excerpt } from './bounded-echo';

describe('what an error repeats of its input', () => {
  it('cuts long text, saying how much was left out', () => {
    expect(bounded('short')).toBe('short');
    expect(bounded('x'.repeat(1000), 10)).toBe('xxxxxxxxxx…(990 more characters)');
    expect(excerpt('y'.repeat(500)).length).toBeLessThan(ECHO_LIMITS.excerpt + 40);
    expect(excerpt({ a: [1, 2, 3] })).toBe('{"a":[1,2,3]}');
  });

  it('keeps any error under 4 KB: huge strings, deep nesting, wide objects, cycles', () => {
    const deep = (n: number): unknown => {
      let value: unknown = 'end';
      for (let i = 0; i < n; i++) value = { inner: value };
      return value;
    };
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic['self'] = cyclic;
    const wide = Object.fromEntries(
      Array.from({ length: 10_000 }, (_, i) => [`k${i}`, 'v'.repeat(300)]),
    );
    for (const details of [
      { twinId: 'x'.repeat(1 << 20) },
      { value: deep(10_000) },
      wide,
      { list: Array.from({ length: 100_000 }, () => 'z'.repeat(100)) },
      cyclic,
      JSON.parse('{"__proto__": {"polluted": true}}'),
    ]) {
      const body = boundedError({ code: 'VALUE_INVALID', message: 'm'.repeat(1 << 20), details });
      expect(JSON.stringify(body).length).toBeLessThan(4096);
      expect(body.code).toBe('VALUE_INVALID');
    }
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('stays small for any JSON value (property test)', () => {
    fc.assert(
      fc.property(
        fc.jsonValue({ maxDepth: 8 }),
        fc.string({ maxLength: 5000 }),
        (details, message) => {
          const body = boundedError({ code: 'X', message, details });
          expect(JSON.stringify(body).length).toBeLessThan(4096);
        },
      ),
    );
  });
});
