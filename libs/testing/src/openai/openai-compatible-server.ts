import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { checkChatRequest } from './chat-request-shape';

/** One request the server received, as it came. */
export interface RecordedAiRequest {
  method: string;
  path: string;
  /** Header names in lower case. */
  headers: Record<string, string | string[] | undefined>;
  /** The raw body text. */
  text: string;
  /** The parsed JSON body (undefined when it was none). */
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- tests probe it freely
}

export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

/** What the server answers a chat completion with. */
export type AiReply =
  /** A chat completion whose content is this value as JSON. */
  | { json: unknown; usage?: Usage; model?: string }
  /** A chat completion whose content is this text as it is (invalid JSON, prose). */
  | { text: string; usage?: Usage; model?: string }
  /** An HTTP error in OpenAI's error format, e.g. 429 with Retry-After, 500, 503. */
  | { status: number; retryAfter?: string; message?: string }
  /** Waits, then answers `then`. */
  | { delayMs: number; then: AiReply }
  /** Never answers (until the client gives up or the server closes). */
  | { hang: true }
  /** Decides from the request. */
  | { respond: (request: RecordedAiRequest) => AiReply | Promise<AiReply> };

export interface OpenAiCompatibleServer {
  /** http://127.0.0.1:<port>/v1: what OPENAI_BASE_URL is set to. */
  baseUrl: string;
  /** Every request, in arrival order (chat completions, models and any other path). */
  requests: RecordedAiRequest[];
  /** The chat completion requests only. */
  chatRequests(): RecordedAiRequest[];
  /** Queues replies, used one per chat completion in order. */
  answer(...replies: AiReply[]): void;
  /**
   * Queues replies for the requests whose structured-output schema has this name only; they come
   * before the general queue (other features may ask the same server meanwhile).
   */
  answerFor(schema: string, ...replies: AiReply[]): void;
  /** The reply once the queue is empty (by default a 500 saying the script ran out). */
  otherwise(reply: AiReply): void;
  /** Chat completions being answered right now, and the most there ever were at once. */
  inFlight(): number;
  maxInFlight(): number;
  /** Forgets the requests, the queue and the in-flight peak. */
  reset(): void;
  close(): Promise<void>;
}

const OUT_OF_SCRIPT: AiReply = { status: 500, message: 'the test script has no reply left' };

/**
 * A real HTTP server on 127.0.0.1 speaking as much of the OpenAI API as the openai client uses
 * here: POST /v1/chat/completions (the request's shape checked, answered in the chat.completion
 * format with usage) and GET /v1/models. It records every request and answers from a script.
 */
export async function startOpenAiCompatibleServer(
  options: { model?: string } = {},
): Promise<OpenAiCompatibleServer> {
  const model = options.model ?? 'test-model';
  const requests: RecordedAiRequest[] = [];
  let queue: AiReply[] = [];
  const bySchema = new Map<string, AiReply[]>();
  let fallback = OUT_OF_SCRIPT;
  let active = 0;
  let peak = 0;
  let sequence = 0;

  const server = createServer((req, res) => {
    void readBody(req).then(async (text) => {
      const recorded: RecordedAiRequest = {
        method: req.method ?? '',
        path: (req.url ?? '').split('?')[0]!,
        headers: { ...req.headers },
        text,
        body: parseOrUndefined(text),
      };
      requests.push(recorded);
      if (recorded.method === 'GET' && recorded.path === '/v1/models') {
        return send(res, 200, {
          object: 'list',
          data: [{ id: model, object: 'model', created: 0, owned_by: 'twinlog-test' }],
        });
      }
      if (recorded.method !== 'POST' || recorded.path !== '/v1/chat/completions') {
        return sendError(res, 404, `no route ${recorded.method} ${recorded.path}`, 'not_found');
      }
      const problems = checkChatRequest(recorded.body);
      if (problems.length > 0)
        return sendError(res, 400, problems.join('; '), 'invalid_request_error');
      active += 1;
      peak = Math.max(peak, active);
      res.on('close', () => (active -= 1));
      const schema = recorded.body?.response_format?.json_schema?.name;
      const reply =
        (typeof schema === 'string' ? bySchema.get(schema)?.shift() : undefined) ??
        queue.shift() ??
        fallback;
      await answerWith(res, reply, recorded, model, (sequence += 1));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    chatRequests: () => requests.filter((r) => r.path === '/v1/chat/completions'),
    answer: (...replies) => void queue.push(...replies),
    answerFor: (schema, ...replies) =>
      void bySchema.set(schema, [...(bySchema.get(schema) ?? []), ...replies]),
    otherwise: (reply) => void (fallback = reply),
    inFlight: () => active,
    maxInFlight: () => peak,
    reset() {
      requests.length = 0;
      queue = [];
      bySchema.clear();
      fallback = OUT_OF_SCRIPT;
      peak = active;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function answerWith(
  res: ServerResponse,
  reply: AiReply,
  request: RecordedAiRequest,
  model: string,
  id: number,
): Promise<void> {
  if ('respond' in reply) return answerWith(res, await reply.respond(request), request, model, id);
  if ('hang' in reply) return;
  if ('delayMs' in reply) {
    await new Promise((resolve) => setTimeout(resolve, reply.delayMs));
    if (res.destroyed) return;
    return answerWith(res, reply.then, request, model, id);
  }
  if ('status' in reply) {
    if (reply.retryAfter !== undefined) res.setHeader('retry-after', reply.retryAfter);
    return sendError(
      res,
      reply.status,
      reply.message ?? `scripted ${reply.status}`,
      'server_error',
    );
  }
  const content = 'json' in reply ? JSON.stringify(reply.json) : reply.text;
  const usage = reply.usage ?? estimatedUsage(request.text, content);
  send(res, 200, {
    id: `chatcmpl-test-${id}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: reply.model ?? (typeof request.body?.model === 'string' ? request.body.model : model),
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content, refusal: null },
        logprobs: null,
        finish_reason: 'stop',
      },
    ],
    usage,
  });
}

function estimatedUsage(prompt: string, content: string): Usage {
  const prompt_tokens = Math.ceil(prompt.length / 4);
  const completion_tokens = Math.ceil(content.length / 4);
  return { prompt_tokens, completion_tokens, total_tokens: prompt_tokens + completion_tokens };
}

function send(res: ServerResponse, status: number, body: unknown): void {
  if (res.destroyed) return;
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

function sendError(res: ServerResponse, status: number, message: string, type: string): void {
  send(res, status, { error: { message, type, param: null, code: null } });
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

function parseOrUndefined(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * `GET /v1/ai` of a process that asked nothing yet, with every other AI setting at its default:
 * what a status spec expects of a service pointed at this server.
 */
export function freshAiStatus(server: OpenAiCompatibleServer, model: string, dailyTokens: number) {
  return {
    enabled: true,
    model,
    baseUrlHost: new URL(server.baseUrl).host,
    usedTokensToday: 0,
    dailyTokens,
    background: { usedTokensToday: 0, dailyTokens: 300_000 },
    maxConcurrent: 4,
    askDeadlineMs: 45_000,
    asksPerCallerPerHour: 30,
  };
}
