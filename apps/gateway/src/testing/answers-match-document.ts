// Jest setup of the int project: every JSON answer a test receives from a Twinlog service on
// this machine is checked against the OpenAPI description of its route (the gateway's document,
// or the service's own port's), and a mismatch fails the test naming the route, the status and
// what differs. The check wraps fetch, which every harness's request helper uses. The answer is
// still handed to the code under test unchanged: a failure thrown from fetch would look like a
// network error to a client that retries, and change what the test exercises.
import { AnswerCheck } from '@twinlog/testing';

let check: AnswerCheck | undefined;
/** Each mismatch seen since the last test ended, with how often. */
const mismatches = new Map<string, number>();

/** The documents, built once per test file on its first request to a Twinlog route. */
async function answerCheck(): Promise<AnswerCheck> {
  if (!check) {
    const { gatewayApiDocument, serviceApiDocument } = await import('../api/api-document');
    const { SERVICES } = await import('../routes');
    check = new AnswerCheck(
      [
        gatewayApiDocument('test'),
        ...SERVICES.map((service) => serviceApiDocument(service, 'test')),
      ],
      // Refusals before any route, which the documents give as `default`; every other status
      // must be one the route describes.
      [400, 405, 408, 421, 431],
    );
  }
  return check;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);
const TWINLOG_PATH = /^\/(v1|health)\//;
const original = globalThis.fetch;

globalThis.fetch = async function checkedFetch(input, init) {
  const answer = await original(input, init);
  const request = input instanceof Request ? input : undefined;
  const url = new URL(request?.url ?? String(input));
  const method = (init?.method ?? request?.method ?? 'GET').toUpperCase();
  const type = answer.headers.get('content-type') ?? '';
  if (!LOOPBACK.has(url.hostname) || !TWINLOG_PATH.test(url.pathname) || method === 'HEAD')
    return answer;
  if (!type.startsWith('application/json')) return answer;
  const checker = await answerCheck();
  if (!checker.describes(method, url.pathname)) return answer;
  const problem = checker.check({
    method,
    path: url.pathname,
    status: answer.status,
    body: await answer.clone().text(),
  });
  if (problem) mismatches.set(problem, (mismatches.get(problem) ?? 0) + 1);
  return answer;
};

/** Fails the test (or the file, after its last test) that received an answer its route does not allow. */
function failOnMismatches(): void {
  if (mismatches.size === 0) return;
  const found = [...mismatches].map(([problem, times]) =>
    times > 1 ? `${problem}\n  (${times} times)` : problem,
  );
  mismatches.clear();
  throw new Error(`Answers that their OpenAPI description does not allow:\n${found.join('\n')}`);
}

afterEach(failOnMismatches);
afterAll(failOnMismatches);
