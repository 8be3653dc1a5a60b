// The engine's process: forked with `utilityProcess.fork`, spoken to over one end of a MessageChannelMain with the
// contract's port protocol (see PortRequest/PortReply in gateway/contract), restarted with backoff when it crashes,
// stopped gracefully on quit. No business logic: this module only carries messages.
import { RpcError, type CallResult, type EventMessage, type HostControlMessage, type HostInit, type MethodName, type PortMessage } from '../gateway/contract/index.js';

/** What we use of Electron's MessagePortMain. */
export interface PortLike {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (event: { data: unknown }) => void): unknown;
  start(): void;
  close(): void;
}

/** What we use of Electron's UtilityProcess. */
export interface ChildLike {
  postMessage(message: unknown, transfer?: PortLike[]): void;
  on(event: 'exit', listener: (code: number) => void): unknown;
  kill(): boolean;
}

export interface GatewayProcessDeps {
  /** `(modulePath, args) => utilityProcess.fork(modulePath, args, {...})`. */
  fork(modulePath: string, args: string[]): ChildLike;
  /** `() => new MessageChannelMain()`; port2 goes to the child. */
  channel(): { port1: PortLike; port2: PortLike };
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  now(): number;
  log?(message: string): void;
}

export interface GatewayProcessOptions {
  /** `dist/gateway/host/main.js`. */
  modulePath: string;
  init: HostInit;
  backoff?: Partial<BackoffOptions>;
  /** How long `stop` waits for the child to exit by itself before killing it. */
  stopTimeoutMs?: number;
}

export interface BackoffOptions {
  /** First restart delay. */
  baseMs: number;
  /** Longest delay. */
  capMs: number;
  /** A child that ran this long before crashing counts as stable: the next restart starts from `baseMs` again. */
  stableMs: number;
}
export const defaultBackoff: BackoffOptions = { baseMs: 500, capMs: 30_000, stableMs: 60_000 };

/** Delay before restart number `attempt` (0-based): base · 2^attempt, at most cap. */
export const backoffDelay = (attempt: number, { baseMs, capMs }: Pick<BackoffOptions, 'baseMs' | 'capMs'> = defaultBackoff): number =>
  Math.min(capMs, baseMs * 2 ** Math.min(attempt, 30));

/** The message that asks the engine's process to close its servers, flush the traffic log and exit. */
export const STOP_MESSAGE: HostControlMessage = { type: 'stop' };

type State = 'idle' | 'running' | 'restarting' | 'stopping' | 'stopped';
const unavailable = (message: string): CallResult => ({ ok: false, error: new RpcError('internal', message).toJSON() });

export class GatewayProcess {
  private child: ChildLike | undefined;
  private port: PortLike | undefined;
  private state: State = 'idle';
  private attempt = 0;
  private startedAt = 0;
  private restartTimer: unknown;
  private nextId = 1;
  private readonly pending = new Map<number, (result: CallResult) => void>();
  private readonly listeners = new Set<(message: EventMessage) => void>();
  private exited: (() => void) | undefined;
  private readonly backoff: BackoffOptions;

  constructor(
    private readonly options: GatewayProcessOptions,
    private readonly deps: GatewayProcessDeps,
  ) {
    this.backoff = { ...defaultBackoff, ...options.backoff };
  }

  get status(): State {
    return this.state;
  }

  start(): void {
    if (this.state === 'running' || this.state === 'stopping') return;
    const { port1, port2 } = this.deps.channel();
    const child = this.deps.fork(this.options.modulePath, this.options.init.folder ? [this.options.init.folder] : []);
    this.child = child;
    this.port = port1;
    this.state = 'running';
    this.startedAt = this.deps.now();
    port1.on('message', (event) => this.receive(event.data as PortMessage));
    port1.start();
    child.on('exit', (code) => this.onExit(child, code));
    child.postMessage(this.options.init, [port2]);
  }

  /** One call, one answer; an engine that is down or dies mid-call answers with an `internal` error. */
  call(method: MethodName, params: unknown): Promise<CallResult> {
    if (this.state !== 'running' || !this.port) return Promise.resolve(unavailable(`The engine is ${this.state === 'restarting' ? 'restarting' : 'not running'}; try again.`));
    const id = this.nextId++;
    const port = this.port;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      port.postMessage({ id, method, params });
    });
  }

  /** The workspace a restarted engine opens (after `workspace.open` switched the running one). */
  setWorkspace(folder: string): void {
    this.options.init = { ...this.options.init, folder };
  }

  onEvent(listener: (message: EventMessage) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Asks the child to stop, waits up to `stopTimeoutMs`, then kills it. Resolves when it has exited. */
  async stop(): Promise<void> {
    if (this.restartTimer !== undefined) this.deps.clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
    const child = this.child;
    if (!child || this.state !== 'running') {
      this.state = 'stopped';
      return;
    }
    this.state = 'stopping';
    const exited = new Promise<void>((resolve) => (this.exited = resolve));
    child.postMessage(STOP_MESSAGE);
    const timer = this.deps.setTimeout(() => {
      this.deps.log?.('gateway did not stop in time; killing it');
      child.kill();
    }, this.options.stopTimeoutMs ?? 5_000);
    await exited;
    this.deps.clearTimeout(timer);
  }

  private receive(message: PortMessage): void {
    if (message === null || typeof message !== 'object') return;
    if ('event' in message) {
      for (const listener of this.listeners) listener(message);
      return;
    }
    if (typeof message.id !== 'number') return;
    const resolve = this.pending.get(message.id);
    if (!resolve) return;
    this.pending.delete(message.id);
    resolve('error' in message ? { ok: false, error: message.error } : { ok: true, value: message.result });
  }

  private onExit(child: ChildLike, code: number): void {
    if (child !== this.child) return;
    this.child = undefined;
    this.port?.close();
    this.port = undefined;
    for (const resolve of this.pending.values()) resolve(unavailable('The engine stopped before answering.'));
    this.pending.clear();
    if (this.state === 'stopping' || this.state === 'stopped') {
      this.state = 'stopped';
      this.exited?.();
      return;
    }
    if (this.deps.now() - this.startedAt >= this.backoff.stableMs) this.attempt = 0;
    const delay = backoffDelay(this.attempt++, this.backoff);
    this.deps.log?.(`gateway exited with code ${code}; restarting in ${delay} ms`);
    this.state = 'restarting';
    this.restartTimer = this.deps.setTimeout(() => {
      this.restartTimer = undefined;
      if (this.state === 'restarting') this.start();
    }, delay);
  }
}
