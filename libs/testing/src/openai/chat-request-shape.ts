/**
 * The problems of a chat completion request, as OpenAI would refuse it with 400: what the
 * openai client sends for a structured output (model, messages, a strict json_schema format).
 */
export function checkChatRequest(body: unknown): string[] {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return ['the body is not a JSON object'];
  const request = body as Record<string, unknown>;
  const problems: string[] = [];
  if (typeof request['model'] !== 'string' || request['model'] === '')
    problems.push('model: a non-empty string is required');
  const messages = request['messages'];
  if (!Array.isArray(messages) || messages.length === 0) {
    problems.push('messages: a non-empty array is required');
  } else {
    messages.forEach((message: unknown, i) => {
      const m = message as Record<string, unknown> | null;
      if (!m || !['system', 'user', 'assistant', 'developer'].includes(String(m['role'])))
        problems.push(`messages[${i}].role: system, developer, user or assistant`);
      if (typeof m?.['content'] !== 'string') problems.push(`messages[${i}].content: a string`);
    });
  }
  const format = request['response_format'] as Record<string, unknown> | undefined;
  if (format !== undefined) {
    const schema = format['json_schema'] as Record<string, unknown> | undefined;
    if (format['type'] !== 'json_schema' || !schema)
      problems.push('response_format: type json_schema with a json_schema');
    else if (typeof schema['name'] !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(schema['name']))
      problems.push('response_format.json_schema.name: letters, digits, _ and -, 64 at most');
    else if (typeof schema['schema'] !== 'object' || schema['schema'] === null)
      problems.push('response_format.json_schema.schema: an object');
  }
  return problems;
}
