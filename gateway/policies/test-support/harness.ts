import assert from 'node:assert/strict';
import { MemoryCounters } from '../../pipeline/counters.js';
import { NEXT, type Outcome, type PolicyDefinition, type PolicyHandlers, type PolicyInstance, type PolicyServices, type Reply, type ResponseContext } from '../../pipeline/policy.js';
import { contextFor } from '../../pipeline/test-support/context.js';

export { contextFor, NEXT };

/** A policy's handlers as compile would create them, with test services (fixed clock, no consumers unless given). */
export function handlersOf(definition: PolicyDefinition, config: unknown, services: Partial<PolicyServices> = {}, instance: Partial<PolicyInstance> = {}): PolicyHandlers {
  const full: PolicyServices = { counters: new MemoryCounters(), consumers: { findByKey: () => undefined }, now: () => 1_000_000, ...services };
  const created = definition.create(definition.config.parse(config), full, { key: 'test', route: { method: 'GET', path: '/things', operationId: 'listThings' }, ...instance });
  return typeof created === 'function' ? { request: created } : created;
}

export function requestHandlerOf(definition: PolicyDefinition, config: unknown, services: Partial<PolicyServices> = {}, instance: Partial<PolicyInstance> = {}) {
  const handler = handlersOf(definition, config, services, instance).request;
  assert.ok(handler, `${definition.id} has a request handler`);
  return handler;
}

/** A synchronous reply (await an asynchronous policy's outcome first). */
export function asReply(outcome: Outcome | Promise<Outcome> | undefined): Reply {
  assert.ok(outcome !== undefined && outcome !== NEXT && !(outcome instanceof Promise), 'expected a reply');
  return outcome as Reply;
}

export function responseContext(headers: ResponseContext['headers'] = {}, status = 200, consumer?: string): ResponseContext {
  const ctx = contextFor({ headers: { 'x-user': 'u1' }, rawQuery: 'page=2', params: { id: '7' } });
  return { request: ctx.request, route: ctx.route, consumer, status, headers };
}

/** The first issue's path and message when the config is refused. */
export function configError(definition: PolicyDefinition, config: unknown): string {
  const parsed = definition.config.safeParse(config);
  assert.equal(parsed.success, false, 'expected the config to be refused');
  const issue = parsed.error!.issues[0]!;
  return `${issue.path.join('.')}: ${issue.message}`;
}
