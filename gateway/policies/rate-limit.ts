import { z } from 'zod';
import { definePolicy } from '../pipeline/policy.js';
import { problem } from '../pipeline/problem.js';
import { duration } from '../pipeline/units.js';

export const config = z
  .object({
    limit: z.number().int().positive().describe('Requests allowed per window.'),
    window: duration.describe('Window length, e.g. 1s, 1m, 1h.'),
    by: z
      .union([z.enum(['ip', 'consumer']), z.string().regex(/^header:[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'ip, consumer or header:<name>')])
      .default('ip')
      .describe('Count per client address, per consumer (address when anonymous), or per value of a request header (header:X-Tenant; address when absent).'),
    algorithm: z.enum(['fixed-window', 'sliding-window']).default('fixed-window').describe('fixed-window: counts reset at each window boundary; sliding-window: a window ending now (no burst of 2× at a boundary).'),
  })
  .strict();

/**
 * Fixed-window rate limit keyed on the socket address or the consumer, never on client-sent headers.
 * Headers follow draft-ietf-httpapi-ratelimit-headers (RateLimit-Limit/Remaining/Reset) plus Retry-After on 429.
 */
export default definePolicy({
  id: 'rate-limit',
  title: 'Rate limit',
  description: 'Limits requests per client address or consumer in a time window; 429 with Retry-After beyond it.',
  phase: 'request',
  config,
  example: { limit: 100, window: '1m', by: 'consumer', algorithm: 'sliding-window' },
  describe: (cfg) => summaryOf(cfg),
  create: (cfg, { counters, now }, instance) => {
    const limit = String(cfg.limit);
    const summary = summaryOf(cfg);
    const header = cfg.by.startsWith('header:') ? cfg.by.slice('header:'.length).toLowerCase() : undefined;
    const by = cfg.by === 'consumer' ? 'consumer' : 'ip';
    const sliding = cfg.algorithm === 'sliding-window';
    const prefix = `${instance.key}|`;
    return (ctx) => {
      const at = now();
      let client: string;
      const value = header === undefined ? undefined : ctx.request.headers[header];
      // A header value names what is counted (a tenant, an app); without one, the client's address is counted.
      if (typeof value === 'string' && value !== '') client = `header:${value}`;
      else client = ctx.clientKey(by);
      const { count, resetAt } = sliding ? counters.slide(prefix + client, cfg.window, at) : counters.hit(prefix + client, cfg.window, at);
      const reset = String(Math.max(1, Math.ceil((resetAt - at) / 1000)));
      ctx.addResponseHeader('RateLimit-Limit', limit);
      ctx.addResponseHeader('RateLimit-Remaining', String(Math.max(0, cfg.limit - count)));
      ctx.addResponseHeader('RateLimit-Reset', reset);
      if (count <= cfg.limit) return ctx.next();
      return ctx.problem(
        problem(429, 'rate-limited', 'Too Many Requests', `Rate limit of ${summary} exceeded; retry in ${reset} s.`),
        { headers: { 'retry-after': reset }, reason: `rate limit ${summary} exceeded` },
      );
    };
  },
});

function summaryOf(cfg: { limit: number; window: number; by: string; algorithm: string }): string {
  return `${cfg.limit}/${formatWindow(cfg.window)} by ${cfg.by}${cfg.algorithm === 'sliding-window' ? ', sliding' : ''}`;
}

function formatWindow(ms: number): string {
  for (const [unit, size] of [['d', 86_400_000], ['h', 3_600_000], ['m', 60_000], ['s', 1_000]] as const) {
    if (ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}
