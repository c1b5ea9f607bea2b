import { AnswerCache, askKey } from './answer-cache';

describe('AnswerCache', () => {
  it('forgets an entry after its TTL', () => {
    let now = 0;
    const cache = new AnswerCache<string>(10, 1000, () => now);
    cache.set('a', 'A');
    now = 999;
    expect(cache.get('a')).toBe('A');
    now = 1000;
    expect(cache.get('a')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('drops the least recently used entry when full', () => {
    const cache = new AnswerCache<string>(2, 60_000, () => 0);
    cache.set('a', 'A');
    cache.set('b', 'B');
    expect(cache.get('a')).toBe('A'); // a is now the most recently used
    cache.set('c', 'C');
    expect([cache.get('a'), cache.get('b'), cache.get('c')]).toEqual(['A', undefined, 'C']);
  });

  it('keeps nothing with 0 entries or a TTL of 0', () => {
    const none = new AnswerCache<string>(0, 1000);
    none.set('a', 'A');
    expect(none.get('a')).toBeUndefined();
    const noTtl = new AnswerCache<string>(5, 0);
    noTtl.set('a', 'A');
    expect(noTtl.get('a')).toBeUndefined();
  });

  it('takes Object built-in names as keys like any other', () => {
    const cache = new AnswerCache<string>(5, 1000, () => 0);
    expect(cache.get('__proto__')).toBeUndefined();
    cache.set('__proto__', 'P');
    cache.set('constructor', 'C');
    expect([cache.get('__proto__'), cache.get('constructor')]).toEqual(['P', 'C']);
  });
});

describe('askKey', () => {
  const base = {
    model: 'm',
    name: 'n',
    schema: { type: 'object' },
    instructions: 'i',
    data: { a: 1 },
  };

  it('is the same for identical asks and differs when anything that shapes the answer differs', () => {
    expect(askKey(base)).toBe(askKey({ ...base }));
    const variants = [
      { ...base, model: 'm2' },
      { ...base, name: 'n2' },
      { ...base, schema: { type: 'array' } },
      { ...base, instructions: 'i2' },
      { ...base, data: { a: 2 } },
      { ...base, maxOutputTokens: 100 },
    ];
    const keys = new Set([askKey(base), ...variants.map(askKey)]);
    expect(keys.size).toBe(variants.length + 1);
  });
});
