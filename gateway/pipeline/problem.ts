/** RFC 9457 problem details: the one shape of every error body the gateway writes. */

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  [extension: string]: unknown;
}

/** `slug` names the problem type (`rate-limited`); the type URI is stable so clients can branch on it. */
export function problem(status: number, slug: string, title: string, detail?: string, extensions?: Record<string, unknown>): Problem {
  return {
    type: `urn:portico:problem:${slug}`,
    title,
    status,
    ...(detail !== undefined && { detail }),
    ...extensions,
  };
}

export function problemBody(value: Problem): Buffer {
  return Buffer.from(JSON.stringify(value));
}
