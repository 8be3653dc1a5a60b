import autocannon from 'autocannon';

/** One case's load with autocannon: a warm-up run that is thrown away, then the measured run, with the same settings. */

export interface LoadSettings {
  connections: number;
  pipelining: number;
  seconds: number;
  warmupSeconds: number;
}

export interface LoadResult {
  requestsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  total: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  statusCodes: Record<string, number>;
}

export interface Probe {
  status: number;
  contentType: string;
  bytes: number;
  /** Any x-portico-mock-warning header, which would mean the mock did not produce a valid body. */
  warning?: string;
}

/** One request before the load, to check that the case answers what we think it answers. */
export async function probe(url: string, headers: Record<string, string> = {}): Promise<Probe> {
  const response = await fetch(url, { headers, signal: AbortSignal.timeout(5_000) });
  const body = await response.arrayBuffer();
  const warning = response.headers.get('x-portico-mock-warning');
  return { status: response.status, contentType: response.headers.get('content-type') ?? '', bytes: body.byteLength, ...(warning !== null && { warning }) };
}

function run(url: string, headers: Record<string, string>, settings: LoadSettings, seconds: number) {
  return autocannon({ url, headers, connections: settings.connections, pipelining: settings.pipelining, duration: seconds, timeout: 10 });
}

/** The same load for `warmupSeconds`, results discarded (JIT, connection pools, caches). */
export async function warmUp(url: string, settings: LoadSettings, headers: Record<string, string> = {}): Promise<void> {
  if (settings.warmupSeconds > 0) await run(url, headers, settings, settings.warmupSeconds);
}

export async function measure(url: string, settings: LoadSettings, headers: Record<string, string> = {}): Promise<LoadResult> {
  const result = await run(url, headers, settings, settings.seconds);
  const statusCodes = Object.fromEntries(Object.entries(result.statusCodeStats).map(([code, { count }]) => [code, count]));
  return {
    // Completed requests over the measured wall time (autocannon's `requests.average` is the mean of 1 s samples: the same up to rounding).
    requestsPerSec: result.requests.total / result.duration,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    total: result.requests.total,
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    statusCodes,
  };
}
