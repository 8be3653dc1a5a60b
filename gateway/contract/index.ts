import { z } from 'zod';

/**
 * The one typed API between the UI and the engine. The same method map is served over Electron IPC
 * (MessagePort) and over local HTTP (browser mode), and validated at runtime on the engine's side:
 * the control channel is reachable over HTTP, so types alone are not enough.
 * A leaf: imports only zod. Methods are `domain.verb`, events `domain.pastTense`.
 */


export const problem = z.object({
  file: z.string(),
  line: z.number().int(),
  column: z.number().int(),
  message: z.string(),
  severity: z.enum(['error', 'warning', 'info', 'hint']),
  code: z.string().optional(),
  pointer: z.string().optional(),
});
export type Problem = z.infer<typeof problem>;

export const fileEntry = z.object({
  /** Path relative to the workspace root, with forward slashes. */
  path: z.string(),
  kind: z.enum(['openapi', 'yaml', 'json', 'other']),
  size: z.number().int(),
});
export type FileEntry = z.infer<typeof fileEntry>;

export const workspaceInfo = z.object({
  root: z.string(),
  /** The design's root document, relative to `root`. */
  spec: z.string(),
  files: z.array(fileEntry),
});
export type WorkspaceInfo = z.infer<typeof workspaceInfo>;

export const templateInfo = z.object({
  /** Folder name under `resources/templates/`. */
  id: z.string(),
  title: z.string(),
  description: z.string(),
});
export type TemplateInfo = z.infer<typeof templateInfo>;

export const gatewayStatus = z.object({
  state: z.enum(['stopped', 'starting', 'running', 'failed']),
  url: z.string().optional(),
  port: z.number().int().optional(),
  mode: z.string().optional(),
  routes: z.number().int().optional(),
  /** Why the last start or reload failed; the old routes keep serving after a failed reload. */
  problems: z.array(problem),
  /** Time of the last successful (re)load, ISO 8601. */
  loadedAt: z.string().optional(),
});
export type GatewayStatus = z.infer<typeof gatewayStatus>;

/** Unsaved editor contents, by workspace-relative path, that lint and preview see instead of the files on disk. */
const overlays = z.record(z.string(), z.string()).default({});

const relativePath = z
  .string()
  .min(1)
  .max(1024)
  .refine((p) => !p.startsWith('/') && !/^[A-Za-z]:/.test(p) && !p.split(/[\\/]/).includes('..'), 'a path inside the workspace');

function method<P extends z.ZodType, R extends z.ZodType>(params: P, result: R) {
  return { params, result };
}

export const methods = {
  'workspace.get': method(z.object({}).strict(), workspaceInfo),
  'workspace.open': method(z.object({ folder: z.string().min(1).optional(), spec: relativePath.optional() }).strict(), workspaceInfo),
  /** The bundled templates a new workspace can start from. */
  'workspace.templates': method(z.object({}).strict(), z.object({ templates: z.array(templateInfo) })),
  /** Copies a template into a new (missing or empty) folder, then opens it like `workspace.open`. A non-empty folder is a `conflict`. */
  'workspace.create': method(z.object({ folder: z.string().min(1).max(4096), template: z.string().regex(/^[a-z0-9][a-z0-9-]*$/) }).strict(), workspaceInfo),
  'files.read': method(z.object({ path: relativePath }).strict(), z.object({ path: z.string(), text: z.string(), version: z.string() })),
  'files.write': method(
    z.object({ path: relativePath, text: z.string(), expectedVersion: z.string().optional() }).strict(),
    z.object({ path: z.string(), version: z.string() }),
  ),
  'design.lint': method(z.object({ overlays }).strict(), z.object({ problems: z.array(problem), durationMs: z.number() })),
  /** The design as one JSON document with every external ref inlined (for the docs preview). */
  'design.bundle': method(z.object({ overlays }).strict(), z.object({ document: z.unknown(), problems: z.array(problem) })),
  'gateway.status': method(z.object({}).strict(), gatewayStatus),
  'gateway.start': method(z.object({}).strict(), gatewayStatus),
  'gateway.stop': method(z.object({}).strict(), gatewayStatus),
} as const;

export type Methods = typeof methods;
export type MethodName = keyof Methods;
export type Params<M extends MethodName> = z.input<Methods[M]['params']>;
export type Result<M extends MethodName> = z.output<Methods[M]['result']>;
/** What a handler receives: the params after validation (defaults applied). */
export type HandlerParams<M extends MethodName> = z.output<Methods[M]['params']>;
/** The engine's side of the contract: one handler for every method; a missing one is a type error. */
export type Handlers = { [M in MethodName]: (params: HandlerParams<M>) => Promise<Result<M>> };

export const events = {
  'gateway.changed': gatewayStatus,
  'files.changed': z.object({ paths: z.array(z.string()) }),
  'traffic.appended': z.object({ ids: z.array(z.number().int()) }),
} as const;
export type Events = typeof events;
export type EventName = keyof Events;
export type EventPayload<E extends EventName> = z.output<Events[E]>;

/** Errors cross the boundary as data, never as stack traces. */
export const errorCodes = ['bad_request', 'unknown_method', 'not_found', 'conflict', 'forbidden', 'internal'] as const;
export type ErrorCode = (typeof errorCodes)[number];
export const rpcError = z.object({ code: z.enum(errorCodes), message: z.string(), details: z.unknown().optional() });
export type RpcErrorData = z.infer<typeof rpcError>;

export class RpcError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'RpcError';
  }
  toJSON(): RpcErrorData {
    return { code: this.code, message: this.message, ...(this.details !== undefined && { details: this.details }) };
  }
}

/** What a transport carries: one call, one answer. */
export type CallResult = { ok: true; value: unknown } | { ok: false; error: RpcErrorData };

/** The client side of the contract, whatever carries it. */
export interface Api {
  call<M extends MethodName>(method: M, params: Params<M>): Promise<Result<M>>;
  subscribe<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
}

export const isMethodName = (name: string): name is MethodName => Object.prototype.hasOwnProperty.call(methods, name);


/**
 * What the Electron preload exposes to the page as `window.portico` (and nothing else of the engine):
 * named calls only, no raw IPC. The renderer's IPC transport uses it; `electron/preload.ts` implements it
 * by relaying `call` over `api:call` and events over `api:event`.
 */
export interface PorticoBridge {
  call(method: MethodName, params: unknown): Promise<CallResult>;
  /** Every event of the engine; returns the function that stops listening. */
  subscribe(listener: (message: EventMessage) => void): () => void;
}

/** An event as it crosses a transport: name and payload (SSE carries the same as `event:` and `data:`). */
export interface EventMessage<E extends EventName = EventName> {
  event: E;
  payload: EventPayload<E>;
}

/**
 * The MessagePort protocol between the Electron main process and the engine's process (`gateway/host/port.ts`):
 * one request, exactly one reply with the same `id`; events flow engine → main at any time.
 */
export interface PortRequest {
  id: number | string;
  method: string;
  params?: unknown;
}
export type PortReply = { id: number | string; result: unknown } | { id: number | string; error: RpcErrorData };
export type PortMessage = PortReply | EventMessage;

/** Parent → engine process, after the first message: stop serving, flush the traffic log, exit. */
export type HostControlMessage = { type: 'stop' };

/**
 * Start-up data for the engine's process (`gateway/host/main.ts`), sent by the parent with the port in the first
 * message (Electron: `child.postMessage(init, [port])`); `folder` may also come as the first argument.
 */
export interface HostInit {
  /** The workspace folder; none: the bundled example. */
  folder?: string;
  /** The gateway's port (0: any free one; default 4010). */
  gatewayPort?: number;
  /** Where the traffic log and consumers live; default `.portico/` in the workspace. */
  dataDir?: string;
  /** Start the gateway with the workspace (default true). */
  startGateway?: boolean;
}
