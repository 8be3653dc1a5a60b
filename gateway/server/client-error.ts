import type { Socket } from 'node:net';
import { STATUS_CODES } from 'node:http';
import { PROBLEM_CONTENT_TYPE, problem } from '../pipeline/problem.js';
import type { ExchangeSink } from './exchange-recorder.js';

/**
 * Requests Node's parser refuses before any handler sees them (oversized headers, malformed framing,
 * Content-Length together with Transfer-Encoding): answered with a problem body, logged, connection closed.
 */
export function answerClientError(error: NodeJS.ErrnoException & { rawPacket?: Buffer }, socket: Socket, log: ExchangeSink | undefined): void {
  const status = statusFor(error.code);
  const requestLine = firstLine(error.rawPacket);
  if (log) {
    const [method = '', url = ''] = requestLine.split(' ');
    log.append({
      startedAt: Date.now(),
      method,
      rawUrl: url,
      url,
      mode: 'rejected',
      status: socket.writable ? status : 0,
      durationMs: 0,
      gatewayMs: 0,
      clientAddress: socket.remoteAddress ?? '',
      requestHeaders: [],
      responseHeaders: ['content-type', PROBLEM_CONTENT_TYPE],
      policy: { id: 'http', reason: `${error.code ?? 'parse error'}: ${error.message}` },
    });
  }
  if (!socket.writable || error.code === 'ECONNRESET') {
    socket.destroy();
    return;
  }
  const title = STATUS_CODES[status] ?? 'Bad Request';
  const body = JSON.stringify(problem(status, status === 431 ? 'headers-too-large' : 'bad-request', title, describe(error.code)));
  socket.end(`HTTP/1.1 ${status} ${title}\r\nContent-Type: ${PROBLEM_CONTENT_TYPE}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}

function statusFor(code: string | undefined): number {
  if (code === 'HPE_HEADER_OVERFLOW') return 431;
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return 408;
  return 400;
}

function describe(code: string | undefined): string {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return 'The request headers are larger than the gateway accepts.';
    case 'HPE_UNEXPECTED_CONTENT_LENGTH':
      return 'The request carries both Content-Length and Transfer-Encoding; it is refused to prevent request smuggling.';
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return 'The request was not received in time.';
    default:
      return 'The request is not valid HTTP.';
  }
}

function firstLine(raw: Buffer | undefined): string {
  if (!raw) return '';
  const text = raw.subarray(0, 2048).toString('latin1');
  const end = text.indexOf('\r\n');
  return (end === -1 ? text : text.slice(0, end)).slice(0, 1024);
}
