import { z } from 'zod';
import { definePolicy, PolicyConfigError, type Balancer, type PolicyAttribution, type PolicyServices } from '../pipeline/policy.js';
import { duration } from '../pipeline/units.js';

export const config = z
  .object({
    targets: z
      .array(
        z
          .object({
            upstream: z.string().min(1).describe('Name of an upstream in x-portico.upstreams.'),
            weight: z.number().int().min(1).max(1000).default(1).describe('Share of requests (weighted), and tie-break (least-connections).'),
          })
          .strict(),
      )
      .min(1)
      .describe('The upstreams requests are spread over.'),
    algorithm: z.enum(['round-robin', 'weighted', 'least-connections']).default('round-robin').describe('round-robin: in turn; weighted: in proportion to the weights (smooth, as nginx); least-connections: the one with the fewest requests in flight.'),
    passive: z
      .object({
        failures: z.number().int().min(1).default(3).describe('Consecutive failed attempts (unreachable, reset, timeout, 502/503/504) that eject a target.'),
        ejectFor: duration.default(30_000).describe('How long an ejected target gets no requests.'),
      })
      .strict()
      .default({ failures: 3, ejectFor: 30_000 })
      .describe('Passive health: eject a target after consecutive failures.'),
    active: z
      .object({
        path: z.string().regex(/^\//, 'a path starting with /').describe('Path probed on each target, e.g. /health.'),
        interval: duration.default(10_000).describe('Time between probes.'),
        timeout: duration.default(2_000).describe('Time a probe may take.'),
        expect: z.array(z.number().int().min(100).max(599)).min(1).default([200]).describe('Statuses that mean healthy.'),
      })
      .strict()
      .optional()
      .describe('Active health checks: probes run in the background once the gateway serves requests with this policy.'),
  })
  .strict();

type Config = z.output<typeof config>;

interface Target {
  name: string;
  url: string;
  weight: number;
  current: number;
  inFlight: number;
  failures: number;
  ejectedUntil: number;
  /** Last active probe's verdict (true until probed). */
  probedHealthy: boolean;
}

/** Health and turn-taking across targets. One per policy instance and configuration, shared by its routes, kept across reloads. */
export class TargetBalancer implements Balancer {
  private readonly targets: Target[];
  private next = 0;
  private timer: NodeJS.Timeout | undefined = undefined;

  constructor(
    private readonly cfg: Config,
    urls: ReadonlyMap<string, { url: string }> | undefined,
    readonly by: PolicyAttribution,
    private readonly now: () => number,
  ) {
    this.targets = cfg.targets.map((t) => ({ name: t.upstream, url: urls?.get(t.upstream)?.url ?? '', weight: t.weight, current: 0, inFlight: 0, failures: 0, ejectedUntil: 0, probedHealthy: true }));
  }

  /** Which targets may take a request now. */
  available(): string[] {
    const at = this.now();
    return this.targets.filter((t) => this.usable(t, at)).map((t) => t.name);
  }

  private usable(t: Target, at: number): boolean {
    return t.probedHealthy && t.ejectedUntil <= at;
  }

  pick(exclude?: string): string | undefined {
    if (this.cfg.active && this.timer === undefined) this.startProbes();
    const at = this.now();
    let candidates = this.targets.filter((t) => this.usable(t, at));
    if (exclude !== undefined && candidates.length > 1) candidates = candidates.filter((t) => t.name !== exclude);
    if (candidates.length === 0) return undefined;
    switch (this.cfg.algorithm) {
      case 'round-robin': {
        // In turn over all targets, skipping those that cannot take it.
        for (let i = 0; i < this.targets.length; i++) {
          const t = this.targets[(this.next + i) % this.targets.length]!;
          if (candidates.includes(t)) {
            this.next = (this.targets.indexOf(t) + 1) % this.targets.length;
            return t.name;
          }
        }
        return candidates[0]!.name;
      }
      case 'weighted': {
        // Smooth weighted round-robin (nginx): every candidate gains its weight, the highest is picked and pays the total.
        let total = 0;
        let best: Target | undefined;
        for (const t of candidates) {
          t.current += t.weight;
          total += t.weight;
          if (best === undefined || t.current > best.current) best = t;
        }
        best!.current -= total;
        return best!.name;
      }
      case 'least-connections': {
        let best = candidates[0]!;
        for (const t of candidates) if (t.inFlight / t.weight < best.inFlight / best.weight) best = t;
        return best.name;
      }
    }
  }

  started(upstream: string): void {
    const t = this.find(upstream);
    if (t) t.inFlight += 1;
  }

  finished(upstream: string, ok: boolean): void {
    const t = this.find(upstream);
    if (!t) return;
    t.inFlight = Math.max(0, t.inFlight - 1);
    if (ok) {
      t.failures = 0;
      return;
    }
    t.failures += 1;
    if (t.failures >= this.cfg.passive.failures) {
      t.ejectedUntil = this.now() + this.cfg.passive.ejectFor;
      t.failures = 0;
    }
  }

  /** Runs one round of active probes now (the timer calls it every `interval`). */
  async probe(): Promise<void> {
    const active = this.cfg.active;
    if (!active) return;
    await Promise.all(
      this.targets.map(async (t) => {
        try {
          const res = await fetch(t.url.replace(/\/+$/, '') + active.path, { signal: AbortSignal.timeout(active.timeout), redirect: 'manual' });
          await res.body?.cancel();
          t.probedHealthy = active.expect.includes(res.status);
        } catch {
          t.probedHealthy = false;
        }
      }),
    );
  }

  private startProbes(): void {
    this.timer = setInterval(() => void this.probe(), this.cfg.active!.interval);
    this.timer.unref();
    void this.probe();
  }

  close(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }

  private find(name: string): Target | undefined {
    for (const t of this.targets) if (t.name === name) return t;
    return undefined;
  }
}

/** Balancers by gateway (its services object) and instance: routes sharing a policy instance share its health. */
const balancers = new WeakMap<PolicyServices, Map<string, TargetBalancer>>();

/**
 * Spreads a route's requests over several upstreams (round-robin, weighted, least-connections), ejecting targets that
 * keep failing (passive health) and those whose health probe fails (active health). When none is healthy: 503 problem
 * (or the mock, with mock-fallback). Combine with retry to send a failed attempt to another target.
 */
export default definePolicy({
  id: 'load-balance',
  title: 'Load balancing',
  description: 'Spreads requests over several upstreams (round-robin, weighted, least-connections) with passive and active health checks; 503 when none is healthy.',
  phase: 'request',
  config,
  example: { targets: [{ upstream: 'blue', weight: 3 }, { upstream: 'green' }], algorithm: 'weighted', passive: { failures: 3, ejectFor: '30s' }, active: { path: '/health', interval: '10s' } },
  upstreams: (cfg) => cfg.targets.map((t) => t.upstream),
  describe: (cfg) => `${cfg.algorithm} over ${cfg.targets.map((t) => t.upstream).join(', ')}`,
  create: (cfg, services, instance) => {
    cfg.targets.forEach((t, i) => {
      if (instance.upstreams && !instance.upstreams.has(t.upstream)) {
        throw new PolicyConfigError(`unknown upstream "${t.upstream}" (define it under x-portico.upstreams)`, ['targets', i, 'upstream']);
      }
    });
    let byGateway = balancers.get(services);
    if (!byGateway) balancers.set(services, (byGateway = new Map()));
    const key = `${instance.key}|${JSON.stringify(cfg)}|${JSON.stringify([...(instance.upstreams ?? new Map()).entries()])}`;
    let balancer = byGateway.get(key);
    if (!balancer) {
      const by = { id: 'load-balance', ...(instance.name !== undefined && { name: instance.name }), reason: `load-balance${instance.name ? ` ${instance.name}` : ''} (${cfg.algorithm} over ${cfg.targets.map((t) => t.upstream).join(', ')})` };
      balancer = new TargetBalancer(cfg, instance.upstreams, by, services.now);
      byGateway.set(key, balancer);
    }
    const shared = balancer;
    return {
      request: (ctx) => {
        ctx.upstreamPlan().balancer = shared;
        return ctx.next();
      },
      close: () => shared.close(),
    };
  },
});
