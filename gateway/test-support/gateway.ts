import { connect } from 'node:net';
import { loadDesign } from '../openapi/load.js';
import { compile, type CompileOptions } from '../pipeline/compile.js';
import { MemoryCounters } from '../pipeline/counters.js';
import type { ConsumerDirectory, PolicyServices } from '../pipeline/policy.js';
import { policiesById } from '../policies/index.js';
import { createGatewayServer } from '../server/gateway-server.js';
import type { Exchange } from '../traffic/exchange.js';
import { tempWorkspace } from './workspace.js';

/** A real gateway on 127.0.0.1:0 for a design given as text; exchanges are collected in memory. */
export async function startTestGateway(files: Record<string, string>, options: { consumers?: ConsumerDirectory; services?: Partial<PolicyServices>; compile?: Partial<CompileOptions>; log?: boolean } = {}) {
  const ws = tempWorkspace(files);
  const design = await loadDesign(ws.path(Object.keys(files)[0]!));
  const table = compile(design, {
    policies: policiesById,
    services: { counters: new MemoryCounters(), consumers: options.consumers ?? { findByKey: () => undefined }, now: Date.now, ...options.services },
    env: {},
    ...options.compile,
  });
  const exchanges: Exchange[] = [];
  const gateway = createGatewayServer({ design, table, ...(options.log !== false && { log: { append: (e) => exchanges.push(e) } }) });
  const address = await gateway.listen(0, '127.0.0.1');
  const url = `http://127.0.0.1:${address.port}`;
  return {
    url,
    port: address.port,
    exchanges,
    gateway,
    /** Waits until `count` exchanges are logged (they are appended when each response closes). */
    async logged(count: number): Promise<Exchange[]> {
      for (let i = 0; i < 200 && exchanges.length < count; i++) await new Promise((r) => setTimeout(r, 10));
      return exchanges;
    },
    async close() {
      await gateway.close();
      ws.cleanup();
    },
  };
}

/** Sends raw bytes and returns everything the server answers until it closes or goes quiet: for framing tests fetch cannot express. */
export function rawRequest(port: number, bytes: string, quietMs = 300): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    let timer: NodeJS.Timeout | undefined;
    const done = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(answer);
    };
    socket.on('data', (chunk) => {
      answer += chunk.toString('latin1');
      clearTimeout(timer);
      timer = setTimeout(done, quietMs);
    });
    socket.on('end', done);
    socket.on('error', (error) => (answer ? done() : reject(error)));
    socket.write(bytes);
    timer = setTimeout(done, quietMs * 3);
  });
}
