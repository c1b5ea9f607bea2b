import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';

/** The parts of an OpenAPI 3.1 document an answer is checked against. */
export interface DescribedApi {
  paths: Record<string, Record<string, unknown>>;
  components?: Record<string, unknown>;
}

interface Answer {
  method: string;
  /** The path without its query string. */
  path: string;
  status: number;
  /** The answer's JSON text ('' when it had none). */
  body: string;
}

/**
 * Checks JSON answers against OpenAPI documents (ajv, JSON Schema 2020-12): the route is found
 * by its path template, the answer by its status (exact, then `4XX`, then `default`), and the
 * body must match that answer's schema. Several documents may describe one path (the gateway's,
 * and a service's own port): an answer matching any one of them passes.
 */
export class AnswerCheck {
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true });
  private readonly compiled = new Map<string, ValidateFunction>();
  private readonly routes: Array<{ doc: number; template: string; test: RegExp }>;

  /**
   * `edgeStatuses`: the statuses an answer may have by a document's `default` alone (refusals
   * before any route: 405, 421...); any other status must be described by the route itself, so
   * a route's undescribed refusal is found.
   */
  constructor(
    private readonly documents: DescribedApi[],
    private readonly edgeStatuses?: readonly number[],
  ) {
    addFormats(this.ajv);
    documents.forEach((document, doc) => this.ajv.addSchema(document as object, `api${doc}`));
    this.routes = documents
      .flatMap((document, doc) =>
        Object.keys(document.paths).map((template) => ({ doc, template })),
      )
      .map((r) => ({ ...r, test: templateTest(r.template) }))
      // A literal segment wins over a parameter: /v1/simulations/compare before /{id}.
      .sort((a, b) => params(a.template) - params(b.template));
  }

  /** Whether any document describes this method and path. */
  describes(method: string, path: string): boolean {
    return this.candidates(method, path).length > 0;
  }

  /** Undefined when the answer matches its description; what is wrong otherwise. */
  check(answer: Answer): string | undefined {
    const candidates = this.candidates(answer.method, answer.path);
    if (candidates.length === 0) return undefined;
    const problems: string[] = [];
    for (const { doc, template } of candidates) {
      const problem = this.checkOne(doc, template, answer);
      if (!problem) return undefined;
      problems.push(problem);
    }
    return `${answer.method} ${answer.path} answered ${answer.status}, which its OpenAPI description does not allow:\n  ${[...new Set(problems)].join('\n  ')}\n  body: ${answer.body.slice(0, 600)}`;
  }

  private candidates(method: string, path: string) {
    const verb = method.toLowerCase();
    const found = this.routes.filter(
      (r) => r.test.test(path) && this.documents[r.doc]!.paths[r.template]![verb] !== undefined,
    );
    // Per document, only the most literal template that matches.
    return found.filter((r, i) => found.findIndex((o) => o.doc === r.doc) === i);
  }

  private checkOne(doc: number, template: string, answer: Answer): string | undefined {
    const verb = answer.method.toLowerCase();
    const operation = this.documents[doc]!.paths[template]![verb] as {
      responses?: Record<string, unknown>;
    };
    const responses = operation.responses ?? {};
    const status = String(answer.status);
    const key = [status, `${status[0]}XX`, 'default'].find((k) => k in responses);
    if (!key) return `${template}: no answer ${status} is described`;
    if (key === 'default' && this.edgeStatuses && !this.edgeStatuses.includes(answer.status))
      return `${template}: answer ${status} is described only by \`default\` (add it to the route's @Describe)`;
    const base = `api${doc}#/paths/${pointer(template)}/${verb}/responses/${key}`;
    const response = this.resolve(doc, responses[key]) as { content?: Record<string, unknown> };
    const json = response?.content?.['application/json'];
    if (!json) return `${template}: answer ${key} is not described as JSON`;
    let body: unknown;
    try {
      body = answer.body === '' ? undefined : JSON.parse(answer.body);
    } catch {
      return `${template}: the body is not JSON`;
    }
    const ref = (responses[key] as { $ref?: string }).$ref;
    const at = ref ? `api${doc}${ref}` : base;
    const validate = this.validator(`${at}/content/application~1json/schema`);
    if (validate(body)) return undefined;
    return `${template} (answer ${key}): ${this.ajv.errorsText(validate.errors, { separator: '; ', dataVar: 'body' })}`;
  }

  private resolve(doc: number, value: unknown): unknown {
    const ref = (value as { $ref?: string }).$ref;
    if (!ref) return value;
    return ref
      .slice(2)
      .split('/')
      .reduce<unknown>(
        (node, part) => (node as Record<string, unknown>)[unescape(part)],
        this.documents[doc],
      );
  }

  private validator(ref: string): ValidateFunction {
    let validate = this.compiled.get(ref);
    if (!validate) {
      validate = this.ajv.compile({ $ref: ref });
      this.compiled.set(ref, validate);
    }
    return validate;
  }
}

function templateTest(template: string): RegExp {
  const pattern = template
    .split(/(\{\w+\})/)
    .map((part) => (/^\{\w+\}$/.test(part) ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${pattern}/?$`);
}

const params = (template: string) => (template.match(/\{/g) ?? []).length;
const pointer = (segment: string) => segment.replace(/~/g, '~0').replace(/\//g, '~1');
const unescape = (part: string) => part.replace(/~1/g, '/').replace(/~0/g, '~');
