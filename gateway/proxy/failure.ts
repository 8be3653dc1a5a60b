/** What went wrong with an upstream, in words a client (and the traffic log) can use. */

export interface Failure {
  status: 413 | 500 | 502 | 504;
  title: string;
  detail: string;
  /** A stable short code: the Node/OpenSSL error code, or TIMEOUT. */
  code: string;
}

const TITLES = { 413: 'Content Too Large', 500: 'Internal Server Error', 502: 'Bad Gateway', 504: 'Gateway Timeout' } as const;

/** OpenSSL verification results and Node's host-name check: the peer's certificate was not accepted. */
const CERTIFICATE = /CERT|UNABLE_TO_|ALTNAME|HOSTNAME_MISMATCH/;

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function timeoutFailure(upstream: string, timeoutMs: number): Failure {
  return {
    status: 504,
    title: TITLES[504],
    detail: `upstream ${upstream} did not respond within ${timeoutMs} ms`,
    code: 'TIMEOUT',
  };
}

/** A failure of the connection to the upstream or of its response, before or while streaming. */
export function upstreamFailure(upstream: string, error: unknown): Failure {
  const code = codeOf(error) ?? 'ERROR';
  const bad = (detail: string): Failure => ({ status: 502, title: TITLES[502], detail, code });
  switch (code) {
    case 'ECONNREFUSED':
      return bad(`upstream ${upstream} refused the connection (ECONNREFUSED)`);
    case 'ECONNRESET':
    case 'EPIPE':
      return bad(`upstream ${upstream} closed the connection unexpectedly (${code})`);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return bad(`the host of upstream ${upstream} could not be resolved (${code})`);
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'EHOSTDOWN':
      return bad(`upstream ${upstream} is unreachable (${code})`);
    case 'ETIMEDOUT':
      return { status: 504, title: TITLES[504], detail: `connecting to upstream ${upstream} timed out (ETIMEDOUT)`, code };
    case 'HPE_INVALID_CONSTANT':
    case 'HPE_INVALID_HEADER_TOKEN':
    case 'HPE_INVALID_STATUS':
    case 'HPE_INVALID_CHUNK_SIZE':
    case 'HPE_INVALID_CONTENT_LENGTH':
    case 'HPE_UNEXPECTED_CONTENT_LENGTH':
    case 'ERR_HTTP_INVALID_STATUS_CODE':
    case 'ERR_INVALID_CHAR':
    case 'ERR_INVALID_HTTP_TOKEN':
      return bad(`upstream ${upstream} sent an invalid response (${code}: ${messageOf(error)})`);
  }
  if (CERTIFICATE.test(code)) {
    return bad(`the certificate of upstream ${upstream} could not be verified (${code}: ${messageOf(error)})`);
  }
  if (code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_') || code === 'EPROTO') {
    return bad(`the TLS handshake with upstream ${upstream} failed (${code}: ${messageOf(error)})`);
  }
  return bad(`upstream ${upstream} failed (${code}: ${messageOf(error)})`);
}

/** A response policy threw: the gateway's fault, not the upstream's. */
export function hookFailure(upstream: string, error: unknown): Failure {
  return {
    status: 500,
    title: TITLES[500],
    detail: `a response policy failed on the response of upstream ${upstream}: ${messageOf(error)}`,
    code: 'POLICY_ERROR',
  };
}

/** The client's body passed the cap a policy set while it streamed to the upstream. */
export function bodyTooLargeFailure(max: number): Failure {
  return { status: 413, title: TITLES[413], detail: `the request body exceeds the limit of ${max} bytes`, code: 'BODY_TOO_LARGE' };
}
