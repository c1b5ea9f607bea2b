import { checkChatRequest } from './chat-request-shape';

const valid = {
  model: 'm',
  messages: [
    { role: 'system', content: 'rules' },
    { role: 'user', content: '<data>{}</data>' },
  ],
  response_format: {
    type: 'json_schema',
    json_schema: { name: 'explanation', strict: true, schema: { type: 'object' } },
  },
};

describe("the local OpenAI-compatible server's request check", () => {
  it('takes what the openai client sends for a structured output', () => {
    expect(checkChatRequest(valid)).toEqual([]);
    const { response_format: _format, ...plain } = valid;
    expect(checkChatRequest(plain)).toEqual([]);
  });

  it.each([
    ['no body', undefined, /not a JSON object/],
    ['an array', [valid], /not a JSON object/],
    ['no model', { ...valid, model: '' }, /model/],
    ['no messages', { ...valid, messages: [] }, /messages/],
    ['a tool role', { ...valid, messages: [{ role: 'tool', content: 'x' }] }, /role/],
    ['content that is not text', { ...valid, messages: [{ role: 'user', content: 5 }] }, /content/],
    ['another format', { ...valid, response_format: { type: 'json_object' } }, /json_schema/],
    [
      'a schema name with a space',
      {
        ...valid,
        response_format: { type: 'json_schema', json_schema: { name: 'a b', schema: {} } },
      },
      /name/,
    ],
  ])('refuses %s', (_what, body, problem) => {
    expect(checkChatRequest(body).join('; ')).toMatch(problem);
  });
});
