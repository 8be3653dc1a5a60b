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

export const exchangeMode = z.enum(['mock', 'proxy', 'policy', 'rejected', 'unroutable']);

/** One line of the traffic list: no headers, no bodies. */
export const exchangeSummary = z.object({
  id: z.number().int(),
  /** ISO 8601, UTC. */
  startedAt: z.string(),
  method: z.string(),
  /** Normalised path plus the raw query. */
  url: z.string(),
  /** Path template of the matched operation. */
  route: z.string().optional(),
  operationId: z.string().optional(),
  mode: exchangeMode,
  status: z.number().int(),
  durationMs: z.number(),
  /** Full size of the response body in bytes. */
  responseSize: z.number().int().optional(),
  consumer: z.string().optional(),
  /** The policy that answered or rejected the request, and why. */
  policy: z.object({ id: z.string(), name: z.string().optional(), reason: z.string() }).optional(),
  /** A transport-level failure (upstream reset, client aborted). */
  error: z.string().optional(),
});
export type ExchangeSummary = z.infer<typeof exchangeSummary>;

/** A logged body: the first bytes (base64), the full size, and whether the capture was cut. */
export const loggedBody = z.object({
  base64: z.string(),
  size: z.number().int(),
  truncated: z.boolean(),
  sha256: z.string(),
});
export type LoggedBody = z.infer<typeof loggedBody>;

/** A finding of checking a logged exchange against the current design. */
export const validationFinding = z.object({
  in: z.enum(['request', 'response']),
  /** JSON pointer into the request part or body, e.g. /query/limit or /body/name. */
  pointer: z.string(),
  message: z.string(),
});
export type ValidationFinding = z.infer<typeof validationFinding>;

export const exchangeDetail = exchangeSummary.extend({
  rawUrl: z.string(),
  upstream: z.string().optional(),
  upstreamMs: z.number().optional(),
  gatewayMs: z.number(),
  clientAddress: z.string(),
  /** Redacted, in wire order. */
  requestHeaders: z.array(z.tuple([z.string(), z.string()])),
  responseHeaders: z.array(z.tuple([z.string(), z.string()])),
  requestBody: loggedBody.optional(),
  responseBody: loggedBody.optional(),
  /** The exchange checked against the design as it is now; absent when the route is no longer in the design. */
  validation: z.array(validationFinding).optional(),
  /** Set on exchanges added by `traffic.import`: where it came from. */
  origin: z.string().optional(),
  /** Each policy's time on this request, in chain order. */
  policyTimings: z.array(z.object({ id: z.string(), name: z.string().optional(), ms: z.number() })).optional(),
});
export type ExchangeDetail = z.infer<typeof exchangeDetail>;

/** The inspector's query language, e.g. `status:5xx op:getPet method:POST since:10m slower:200ms "timeout"`. */
const trafficFilter = z.string().max(2000).default('');

export const statsBucket = z.object({
  /** Start of the bucket, ms since the epoch. */
  t: z.number(),
  count: z.number().int(),
  errors: z.number().int(),
  s2xx: z.number().int(),
  s3xx: z.number().int(),
  s4xx: z.number().int(),
  s5xx: z.number().int(),
  p50: z.number().nullable(),
  p95: z.number().nullable(),
  p99: z.number().nullable(),
});
export const operationStats = z.object({
  operation: z.string(),
  count: z.number().int(),
  errors: z.number().int(),
  p50: z.number().nullable(),
  p95: z.number().nullable(),
  p99: z.number().nullable(),
});
export const trafficStats = z.object({
  from: z.number(),
  to: z.number(),
  /** Width of one bucket in ms. */
  bucketMs: z.number(),
  total: z.number().int(),
  errors: z.number().int(),
  p50: z.number().nullable(),
  p95: z.number().nullable(),
  p99: z.number().nullable(),
  buckets: z.array(statsBucket),
  operations: z.array(operationStats),
  consumers: z.array(z.object({ consumer: z.string(), count: z.number().int() })),
  rejectedBy: z.array(z.object({ policy: z.string(), count: z.number().int() })),
  durationMs: z.number(),
});
export type TrafficStats = z.infer<typeof trafficStats>;

export const trafficInfo = z.object({
  file: z.string(),
  sizeBytes: z.number().int(),
  count: z.number().int(),
  retention: z.object({ maxCount: z.number().int().positive().optional(), maxAgeHours: z.number().positive().optional() }),
});
export type TrafficInfo = z.infer<typeof trafficInfo>;

export const replayRequest = z.object({
  method: z.string().regex(/^[A-Za-z]+$/).max(20),
  /** Path and query, relative to the gateway. */
  url: z.string().startsWith('/').max(16_384),
  headers: z.array(z.tuple([z.string(), z.string()])).max(500),
  /** Body as text; `bodyBase64` for binary. */
  body: z.string().optional(),
  bodyBase64: z.string().optional(),
});
export type ReplayRequest = z.infer<typeof replayRequest>;

/**
 * An overlay by reference, so a large file is not sent again after every edit: `text` (the whole text, remembered
 * by the engine as `id`), or `base` (an id sent before) with the `changes` made since, or only `id` (unchanged since).
 * Changes are Monaco's: offsets into the text as it is when the change applies, applied in order. An id or base the
 * engine does not have (any more) is a `conflict`: send the whole text.
 */
export const overlayEdit = z
  .object({
    id: z.string().min(1).max(100),
    text: z.string().optional(),
    base: z.string().min(1).max(100).optional(),
    changes: z.array(z.object({ at: z.number().int().min(0), remove: z.number().int().min(0), text: z.string() })).optional(),
  })
  .strict();
export type OverlayEdit = z.infer<typeof overlayEdit>;

/** Unsaved editor contents, by workspace-relative path, that lint and preview see instead of the files on disk. */
const overlays = z.record(z.string(), z.union([z.string(), overlayEdit])).default({});

const relativePath = z
  .string()
  .min(1)
  .max(1024)
  .refine((p) => !p.startsWith('/') && !/^[A-Za-z]:/.test(p) && !p.split(/[\\/]/).includes('..'), 'a path inside the workspace');

function method<P extends z.ZodType, R extends z.ZodType>(params: P, result: R) {
  return { params, result };
}

/** Exports to production gateways (gateway/export): a target's files and what it does not do as Portico does. */
export const exportTarget = z.enum(['kong', 'nginx', 'zuplo', 'krakend']);
export type ExportTarget = z.infer<typeof exportTarget>;
export const exportReportEntry = z.object({
  target: exportTarget,
  route: z.string(),
  policy: z.string(),
  why: z.string(),
  instead: z.string(),
  kind: z.enum(['unsupported', 'approximate']),
});
export type ExportReportEntry = z.infer<typeof exportReportEntry>;
export const exportFile = z.object({ path: z.string(), content: z.string() });

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
  /**
   * `partial`: a large design's answer to an edit, the last full lint with what the edit touched linted again; the
   * full lint follows as `design.linted`.
   */
  'design.lint': method(z.object({ overlays }).strict(), z.object({ problems: z.array(problem), durationMs: z.number(), partial: z.boolean().optional() })),
  /**
   * The design as one JSON document with every external ref inlined (for the docs preview). `as: 'text'`: as JSON
   * `text` instead (`document` null), with the root's `x-portico` as `extension`: nothing to parse on the way.
   */
  'design.bundle': method(
    z.object({ overlays, as: z.enum(['document', 'text']).optional() }).strict(),
    z.object({ document: z.unknown(), problems: z.array(problem), text: z.string().nullable().optional(), extension: z.unknown().optional() }),
  ),
  /** Newest first; keyset pagination with `beforeId`; `afterId` for what arrived since (live updates). */
  'traffic.query': method(
    z.object({ filter: trafficFilter, limit: z.number().int().min(1).max(1000).default(200), beforeId: z.number().int().optional(), afterId: z.number().int().optional() }).strict(),
    z.object({ rows: z.array(exchangeSummary), durationMs: z.number() }),
  ),
  /** How many exchanges match a filter (capped for speed; `capped` when there are more). */
  'traffic.count': method(z.object({ filter: trafficFilter }).strict(), z.object({ count: z.number().int(), capped: z.boolean() })),
  'traffic.get': method(z.object({ id: z.number().int() }).strict(), exchangeDetail),
  /** Full-text search over URLs, headers and bodies, with a snippet of where it matched. */
  'traffic.search': method(
    z.object({ text: z.string().min(1).max(500), limit: z.number().int().min(1).max(1000).default(100) }).strict(),
    z.object({ rows: z.array(exchangeSummary.extend({ snippet: z.string() })), durationMs: z.number() }),
  ),
  'traffic.stats': method(
    z.object({ from: z.number().optional(), to: z.number().optional(), filter: trafficFilter }).strict(),
    trafficStats,
  ),
  /** HAR 1.2 of the given exchanges, or of the filter's result (newest first, up to `limit`); secrets stay redacted. */
  'traffic.export': method(
    z.object({ ids: z.array(z.number().int()).max(10_000).optional(), filter: trafficFilter, limit: z.number().int().min(1).max(10_000).default(1000) }).strict(),
    z.object({ har: z.unknown(), count: z.number().int() }),
  ),
  /** Adds a HAR file's entries to the log (marked as imported). */
  'traffic.import': method(z.object({ har: z.unknown(), name: z.string().max(255).optional() }).strict(), z.object({ imported: z.number().int(), skipped: z.number().int() })),
  /** Sends a logged request again through the gateway, as is or edited; the new exchange is logged like any other. */
  'traffic.replay': method(
    z.object({ id: z.number().int(), request: replayRequest.optional() }).strict(),
    z.object({ status: z.number().int(), headers: z.array(z.tuple([z.string(), z.string()])), body: loggedBody, durationMs: z.number() }),
  ),
  'traffic.clear': method(z.object({}).strict(), z.object({ deleted: z.number().int() })),
  'traffic.info': method(z.object({}).strict(), trafficInfo),
  /** Sets the retention caps (omitted: no cap) and applies them now. */
  'traffic.retention': method(
    z.object({ maxCount: z.number().int().positive().optional(), maxAgeHours: z.number().positive().optional() }).strict(),
    trafficInfo,
  ),
  /** The design (with unsaved overlays) exported to `target`: files to preview, the report, and problems when it does not compile. */
  'export.preview': method(
    z.object({ target: exportTarget, overlays }).strict(),
    z.object({ files: z.array(exportFile), report: z.array(exportReportEntry), problems: z.array(problem) }),
  ),
  /** Writes the export into `folder` (relative to the workspace root, or absolute). */
  'export.save': method(
    z.object({ target: exportTarget, folder: z.string().min(1).max(4096), overlays }).strict(),
    z.object({ folder: z.string(), files: z.array(z.string()), report: z.array(exportReportEntry), problems: z.array(problem) }),
  ),
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
  /** A full lint of a large design finished, after a `partial` answer (and no newer edit came in meanwhile). */
  'design.linted': z.object({ problems: z.array(problem), durationMs: z.number() }),
  /** New exchanges were committed to the log (ids ascending); fetch them with `traffic.query { afterId }`. */
  'traffic.appended': z.object({ ids: z.array(z.number().int()) }),
  /** The log was cleared, trimmed by retention, or had exchanges imported. */
  'traffic.reset': z.object({}),
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
