import { z } from 'zod';
import { checkAnswer, isSchemaName, responseFormatOf } from './answer-format';

const explanation = z.object({
  summary: z.string().max(50),
  causes: z.array(z.object({ cause: z.string(), why: z.string() })).max(2),
  checkFirst: z.string().nullable(),
});

describe('responseFormatOf', () => {
  it('is a strict json_schema generated from the zod schema, every field required', () => {
    const format = responseFormatOf('explanation', explanation);
    expect(format.type).toBe('json_schema');
    expect(format.json_schema).toMatchObject({ name: 'explanation', strict: true });
    expect(format.json_schema.schema).toMatchObject({
      type: 'object',
      additionalProperties: false,
      required: ['summary', 'causes', 'checkFirst'],
      properties: {
        summary: { type: 'string', maxLength: 50 },
        causes: { type: 'array', maxItems: 2 },
        checkFirst: { type: ['string', 'null'] },
      },
    });
    expect(JSON.parse(JSON.stringify(format))).toEqual(format);
  });

  it('refuses a schema strict mode cannot take (optional without nullable)', () => {
    expect(() => responseFormatOf('bad', z.object({ a: z.string().optional() }))).toThrow(
      /optional/,
    );
  });
});

describe('isSchemaName', () => {
  it.each(['explanation', 'report-v1', 'A_1'])('takes %s', (name) =>
    expect(isSchemaName(name)).toBe(true),
  );
  it.each(['', 'has space', 'x'.repeat(65), '__proto__ ', 'ä'])('refuses %j', (name) =>
    expect(isSchemaName(name)).toBe(false),
  );
});

describe('checkAnswer', () => {
  const valid = { summary: 'hot', causes: [{ cause: 'fan', why: 'rpm low' }], checkFirst: null };

  it('takes a valid answer', () => {
    expect(checkAnswer(JSON.stringify(valid), explanation)).toEqual({ ok: true, value: valid });
  });

  it.each([
    [null, 'the answer was empty'],
    ['', 'the answer was empty'],
    ['The pump is probably fine.', 'the answer is not JSON'],
    ['{"summary": "cut', 'the answer is not JSON'],
  ])('refuses %j: %s', (text, problem) => {
    expect(checkAnswer(text, explanation)).toEqual({ ok: false, problems: [problem] });
  });

  it('refuses a control character (but newline and tab) in any text of the answer, by path', () => {
    const escaped = {
      ...valid,
      causes: [{ cause: 'fan\u001b]0;pwned\u0007', why: 'rpm\tlow\n' }],
      checkFirst: 'x\u009b2J',
    };
    expect(checkAnswer(JSON.stringify(escaped), explanation)).toEqual({
      ok: false,
      problems: [
        'causes.0.cause: contains a control character (only newline and tab are allowed)',
        'checkFirst: contains a control character (only newline and tab are allowed)',
      ],
    });
    const plain = { ...valid, summary: 'hot\n\tfan' };
    expect(checkAnswer(JSON.stringify(plain), explanation)).toEqual({ ok: true, value: plain });
  });

  it('names the schema problems by path', () => {
    const checked = checkAnswer(
      JSON.stringify({ ...valid, summary: 'x'.repeat(51), causes: 'x' }),
      explanation,
    );
    expect(checked.ok).toBe(false);
    const problems = (checked as { problems: string[] }).problems;
    expect(problems.some((p) => p.startsWith('summary:'))).toBe(true);
    expect(problems.some((p) => p.startsWith('causes:'))).toBe(true);
  });

  it("counts the feature's own check as validation", () => {
    const noDigits = (v: z.infer<typeof explanation>) =>
      /\d/.test(v.summary) ? ['summary has a digit'] : [];
    const checked = checkAnswer(
      JSON.stringify({ ...valid, summary: 'up 3 °C' }),
      explanation,
      noDigits,
    );
    expect(checked).toEqual({ ok: false, problems: ['summary has a digit'] });
  });
});
