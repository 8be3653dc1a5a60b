import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Design } from '../openapi/design.js';
import { createMocker, type Mocker } from '../mock/mocker.js';
import { parsePrefer } from '../mock/prefer.js';
import type { CompiledRoute } from '../pipeline/compile.js';
import type { RequestContext } from '../pipeline/context.js';
import { PROBLEM_CONTENT_TYPE, problem, type Problem } from '../pipeline/problem.js';
import { createRequestValidator, type RequestValidator } from '../validation/request.js';
import type { RequestCheck } from '../pipeline/policy.js';
import { createResponseValidator, type ResponseValidator } from './response-validation.js';
import { readBody } from './body.js';
import type { ExchangeRecorder } from './exchange-recorder.js';

type Respond = (status: number, headers: OutgoingHttpHeaders, body: Buffer | string | undefined) => void;

interface Compiled {
  validate: RequestValidator;
  mock: Mocker;
  validateResponse?: ResponseValidator;
}

/** Answers mocked routes: read the body (capped), validate the request, then mock. Per-route work is compiled on first use. */
export class RouteRuntime {
  private readonly compiled = new WeakMap<CompiledRoute, Compiled>();

  constructor(
    private readonly design: Design,
    private readonly bodyLimit: number,
  ) {}

  /** The request checked against the operation, as `mock` does: for validate-request in the request-body phase. */
  validateRequest(route: CompiledRoute, ctx: RequestContext, body: Buffer | undefined): RequestCheck {
    const headers = ctx.request.headers;
    const verdict = this.forRoute(route).validate({
      pathParams: ctx.request.params,
      query: ctx.query(),
      headers,
      ...(headers['content-type'] !== undefined && { contentType: headers['content-type'] }),
      ...(body !== undefined && { body }),
    });
    return verdict.ok ? { ok: true } : verdict;
  }

  responseValidator(route: CompiledRoute): ResponseValidator {
    const compiled = this.forRoute(route);
    return (compiled.validateResponse ??= createResponseValidator(this.design, route.operation));
  }

  /** `preRead`: the body, when the request-body phase read it already. */
  async mock(route: CompiledRoute, ctx: RequestContext, req: IncomingMessage, res: ServerResponse, recorder: ExchangeRecorder | undefined, respond: Respond, preRead?: { body: Buffer | undefined }): Promise<void> {
    const { validate, mock } = this.forRoute(route);
    const reject = (value: Problem, reason: string, headers?: OutgoingHttpHeaders, policy: { id: string; name?: string; reason: string } = { id: 'validate-request', reason }) => {
      if (recorder) {
        recorder.mode = 'rejected';
        recorder.policy = policy;
      }
      const body = JSON.stringify(value);
      recorder?.responseBodyWhole(body);
      respond(value.status, { ...headers, 'content-type': PROBLEM_CONTENT_TYPE }, body);
    };

    let body: Buffer | undefined = preRead?.body;
    if (!preRead && hasBody(req)) {
      const capped = ctx.requestBodyLimit !== undefined && ctx.requestBodyLimit.max < this.bodyLimit ? ctx.requestBodyLimit : undefined;
      const read = await readBody(req, capped?.max ?? this.bodyLimit);
      if (!read.ok) {
        // The rest of the body stays unread: close the connection rather than parse it as the next request.
        const by = read.status === 413 && capped ? { ...capped.policy, reason: `${capped.policy.reason}: ${read.reason}` } : undefined;
        reject(problem(read.status, read.status === 413 ? 'body-too-large' : 'bad-request', read.status === 413 ? 'Content Too Large' : 'Bad Request', read.reason), read.reason, { connection: 'close' }, by);
        return;
      }
      body = read.body;
      recorder?.requestBodyWhole(body);
    }

    const verdict = validate({
      pathParams: ctx.request.params,
      query: ctx.query(),
      headers: req.headers,
      ...(req.headers['content-type'] !== undefined && { contentType: req.headers['content-type'] }),
      ...(body !== undefined && { body }),
    });
    if (!verdict.ok) {
      const detail = `The request does not match the design: ${verdict.errors.length} violation${verdict.errors.length === 1 ? '' : 's'}.`;
      const title = verdict.status === 415 ? 'Unsupported Media Type' : verdict.status === 422 ? 'Unprocessable Content' : 'Bad Request';
      reject(problem(verdict.status, 'invalid-request', title, detail, { errors: verdict.errors }), verdict.errors.map((e) => `${e.in}${e.name ? ' ' + e.name : ''}${e.pointer}: ${e.message}`).join('; '));
      return;
    }

    const preferences = parsePrefer(req.headers.prefer);
    const answer = mock({ headers: req.headers, pathParams: ctx.request.params });
    if (preferences.delay) await sleep(preferences.delay);
    if ('problem' in answer) {
      const value = problem(answer.problem.status, 'mock', answer.problem.title, answer.problem.detail);
      if (recorder) recorder.mode = 'mock';
      const text = JSON.stringify(value);
      recorder?.responseBodyWhole(text);
      respond(value.status, { 'content-type': PROBLEM_CONTENT_TYPE }, text);
      return;
    }
    if (recorder) {
      recorder.mode = 'mock';
      recorder.responseBodyWhole(answer.body);
    }
    const headers: OutgoingHttpHeaders = { ...answer.headers };
    if (answer.contentType !== undefined) headers['content-type'] = answer.contentType;
    respond(answer.status, headers, answer.body);
  }

  private forRoute(route: CompiledRoute): Compiled {
    let compiled = this.compiled.get(route);
    if (!compiled) {
      compiled = { validate: createRequestValidator(this.design, route.operation), mock: createMocker(this.design, route.operation) };
      this.compiled.set(route, compiled);
    }
    return compiled;
  }
}

export function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return (length !== undefined && length !== '0') || req.headers['transfer-encoding'] !== undefined;
}
