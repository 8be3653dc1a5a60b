import { hash } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { performance } from 'node:perf_hooks';
import { RpcError, type EventPayload, type Handlers, type LoggedBody, type MethodName } from '../contract/index.js';
import type { Design } from '../openapi/design.js';
import type { RouteTable } from '../pipeline/compile.js';
import { FilterError } from '../traffic/filter.js';
import { openTrafficInspector, type TrafficInspector } from '../traffic/inspector-thread.js';
import type { RedactOptions } from '../traffic/redact.js';
import { checkExchange } from './exchange-check.js';

/**
 * The inspector's side of the contract (`traffic.*`): queries run on the inspector's thread, on the traffic log of the
 * workspace that is open now; replays go through the running gateway like any client's request.
 */

type TrafficMethod = Extract<MethodName, `traffic.${string}`>;
export type TrafficHandlers = Pick<Handlers, TrafficMethod>;

export interface TrafficServiceOptions {
  /** The current workspace's traffic database. */
  dbFile(): string;
  /** The running gateway, when there is one. */
  gateway(): { url: string; design: Design; table: RouteTable } | undefined;
  /** Names the design carries secrets under (redacted from imports too). */
  redact(): RedactOptions;
  version: string;
  /** The log changed under the UI's feet (cleared, trimmed, imported into). */
  emit: (event: 'traffic.reset', payload: EventPayload<'traffic.reset'>) => void;
}

export interface TrafficService {
  readonly handlers: TrafficHandlers;
  close(): Promise<void>;
}

const REPLAY_BODY_CAP = 1024 * 1024;
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'te', 'upgrade', 'proxy-connection', 'trailer', 'host', 'content-length']);

export function createTrafficService(options: TrafficServiceOptions): TrafficService {
  let inspector: Promise<TrafficInspector> | undefined;
  let inspectorFile: string | undefined;

  const current = async (): Promise<TrafficInspector> => {
    const file = options.dbFile();
    if (inspector && inspectorFile !== file) {
      const old = inspector;
      inspector = undefined;
      void old.then((i) => i.close()).catch(() => undefined);
    }
    if (!inspector) {
      inspectorFile = file;
      inspector = openTrafficInspector({ file, version: options.version, redact: options.redact() });
      inspector.catch(() => (inspector = undefined));
    }
    return inspector;
  };

  /** Runs an inspector call, turning a bad filter into `bad_request` with where it went wrong. */
  const ask = async <T>(work: (i: TrafficInspector) => Promise<T>): Promise<T> => {
    try {
      return await work(await current());
    } catch (error) {
      if (error instanceof FilterError) throw new RpcError('bad_request', `filter: ${error.message}`, { at: error.at });
      throw error;
    }
  };
  const timed = async <T>(work: () => Promise<T>): Promise<[T, number]> => {
    const start = performance.now();
    const value = await work();
    return [value, Math.round((performance.now() - start) * 100) / 100];
  };

  const handlers: TrafficHandlers = {
    'traffic.query': async ({ filter, limit, beforeId, afterId }) => {
      const [rows, durationMs] = await timed(() =>
        ask((i) => i.run('query', { filter, limit, now: Date.now(), ...(beforeId !== undefined && { beforeId }), ...(afterId !== undefined && { afterId }) })),
      );
      return { rows, durationMs };
    },
    'traffic.count': ({ filter }) => ask((i) => i.run('count', { filter, now: Date.now() })),
    'traffic.get': async ({ id }) => {
      const detail = await ask((i) => i.run('get', { id }));
      if (!detail) throw new RpcError('not_found', `no exchange #${id} in the traffic log`);
      const serving = options.gateway();
      if (!serving) return detail;
      const whole = (body: LoggedBody | undefined) => (body && !body.truncated ? Buffer.from(body.base64, 'base64') : undefined);
      const requestBody = whole(detail.requestBody);
      const responseBody = whole(detail.responseBody);
      try {
        const validation = checkExchange(serving.design, serving.table, {
          method: detail.method,
          url: detail.url,
          status: detail.status,
          requestHeaders: detail.requestHeaders,
          responseHeaders: detail.responseHeaders,
          ...(requestBody && { requestBody }),
          ...(responseBody && { responseBody }),
        });
        return validation ? { ...detail, validation } : detail;
      } catch {
        // A design the validator cannot compile must not hide the exchange.
        return detail;
      }
    },
    'traffic.search': async ({ text, limit }) => {
      const [rows, durationMs] = await timed(() => ask((i) => i.run('search', { text, limit })));
      return { rows, durationMs };
    },
    'traffic.stats': async ({ from, to, filter }) => {
      const end = to ?? Date.now();
      const start = from ?? end - 3_600_000;
      if (!(start < end)) throw new RpcError('bad_request', '`from` must be before `to`');
      const [stats, durationMs] = await timed(() => ask((i) => i.run('stats', { from: start, to: end, filter })));
      return { ...stats, durationMs };
    },
    'traffic.export': ({ ids, filter, limit }) => ask((i) => i.run('export', { ...(ids && { ids }), filter, limit, now: Date.now() })),
    'traffic.import': async ({ har, name }) => {
      let result;
      try {
        result = await ask((i) => i.run('import', { har, origin: `import${name ? `: ${name}` : ''}` }));
      } catch (error) {
        if (error instanceof RpcError) throw error;
        throw new RpcError('bad_request', (error as Error).message);
      }
      options.emit('traffic.reset', {});
      return { imported: result.imported, skipped: result.skipped };
    },
    'traffic.replay': async ({ id, request }) => {
      const serving = options.gateway();
      if (!serving) throw new RpcError('conflict', 'the gateway is not running: start it to replay');
      const original = await ask((i) => i.run('get', { id }));
      if (!original) throw new RpcError('not_found', `no exchange #${id} in the traffic log`);
      const toSend = request ?? {
        method: original.method,
        url: original.rawUrl,
        headers: original.requestHeaders,
        ...(original.requestBody && { bodyBase64: original.requestBody.base64 }),
      };
      const body = toSend.bodyBase64 !== undefined ? Buffer.from(toSend.bodyBase64, 'base64') : toSend.body !== undefined ? Buffer.from(toSend.body, 'utf8') : undefined;
      return replay(serving.url, toSend.method.toUpperCase(), toSend.url, toSend.headers, body, id);
    },
    'traffic.clear': async () => {
      const result = await ask((i) => i.run('clear'));
      options.emit('traffic.reset', {});
      return result;
    },
    'traffic.info': () => ask((i) => i.run('info')),
    'traffic.retention': async ({ maxCount, maxAgeHours }) => {
      const { deleted, ...info } = await ask((i) =>
        i.run('retention', { ...(maxCount !== undefined && { maxCount }), ...(maxAgeHours !== undefined && { maxAgeHours }) }),
      );
      if (deleted > 0) options.emit('traffic.reset', {});
      return info;
    },
  };

  return {
    handlers,
    async close() {
      const open = inspector;
      inspector = undefined;
      await open?.then((i) => i.close()).catch(() => undefined);
    },
  };
}

/** One request to the gateway on loopback; the answer's body is kept up to 1 MB. */
function replay(base: string, method: string, url: string, headers: [string, string][], body: Buffer | undefined, of: number) {
  return new Promise<{ status: number; headers: [string, string][]; body: LoggedBody; durationMs: number }>((resolve, reject) => {
    const target = new URL(url, base);
    if (target.origin !== new URL(base).origin) return reject(new RpcError('bad_request', 'replays go to the local gateway only'));
    // With headers as a list Node adds no Host of its own.
    const sent: [string, string][] = [['Host', target.host], ...headers.filter(([name]) => !HOP_BY_HOP.has(name.toLowerCase()))];
    sent.push(['X-Portico-Replay-Of', String(of)]);
    if (body) sent.push(['Content-Length', String(body.length)]);
    const start = performance.now();
    const req = httpRequest(target, { method, headers: sent.flat() as unknown as Record<string, string> }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      let kept = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (kept < REPLAY_BODY_CAP) {
          const part = chunk.subarray(0, REPLAY_BODY_CAP - kept);
          chunks.push(part);
          kept += part.length;
        }
      });
      res.on('end', () => {
        const bytes = Buffer.concat(chunks);
        const pairs: [string, string][] = [];
        for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) pairs.push([res.rawHeaders[i]!, res.rawHeaders[i + 1]!]);
        resolve({
          status: res.statusCode ?? 0,
          headers: pairs,
          body: { base64: bytes.toString('base64'), size, truncated: size > bytes.length, sha256: size > bytes.length ? '' : hash('sha256', bytes, 'hex') },
          durationMs: Math.round((performance.now() - start) * 100) / 100,
        });
      });
      res.on('error', reject);
    });
    req.on('error', (error) => reject(new RpcError('internal', `replay failed: ${error.message}`)));
    req.end(body);
  });
}
