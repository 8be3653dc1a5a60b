/**
 * RFC 9457 problem details for answers the gateway makes itself (upstream down, timed out, ...).
 * Lives here until a shared home exists; nothing in it is proxy-specific.
 */
import { STATUS_CODES, type ServerResponse } from 'node:http';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  [extension: string]: unknown;
}

/** The body as a string. `type` defaults to `about:blank` (the title is then the status phrase, as RFC 9457 asks). */
export function problemBody(status: number, title: string, detail: string, extra?: Record<string, unknown>): string {
  const problem: Problem = { type: 'about:blank', title, status, detail, ...extra };
  return JSON.stringify(problem);
}

/** Answers `res` with a problem. The caller checks `res.headersSent` first; headers set earlier with `setHeader` are kept. */
export function sendProblem(
  res: ServerResponse,
  status: number,
  title: string,
  detail: string,
  extra?: Record<string, unknown>,
): void {
  const body = problemBody(status, title, detail, extra);
  res.writeHead(status, {
    'content-type': PROBLEM_CONTENT_TYPE,
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
  });
  res.end(body);
}

/**
 * The same problem as a complete HTTP/1.1 response, for a raw socket (an `upgrade` request, where there is no
 * ServerResponse). The connection is closed after it.
 */
export function problemResponseBytes(status: number, title: string, detail: string, extra?: Record<string, unknown>): string {
  const body = problemBody(status, title, detail, extra);
  return (
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? title}\r\n` +
    `Content-Type: ${PROBLEM_CONTENT_TYPE}\r\n` +
    `Content-Length: ${Buffer.byteLength(body)}\r\n` +
    'Cache-Control: no-store\r\n' +
    'Connection: close\r\n\r\n' +
    body
  );
}
