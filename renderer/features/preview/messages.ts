// The only messages the docs preview frame accepts, validated on arrival.
import { z } from 'zod';

export const showDesign = z.object({
  type: z.literal('portico:show'),
  revision: z.number().int(),
  /**
   * The bundled design as JSON text (UTF-8) in a Blob: it crosses to the frame's process as a handle, without a copy
   * or serialization on the workspace window's thread; the frame reads and parses it.
   */
  design: z.instanceof(Blob),
  gatewayUrl: z.string().url().nullable(),
  theme: z.enum(['light', 'dark']),
});
export type ShowDesign = z.infer<typeof showDesign>;

export const frameEvent = z.union([
  z.object({ type: z.literal('portico:ready') }),
  z.object({ type: z.literal('portico:rendered'), revision: z.number().int(), ms: z.number() }),
  /** Ctrl/Cmd+S pressed while the docs had focus: save as the editor would. */
  z.object({ type: z.literal('portico:save') }),
]);
export type FrameEvent = z.infer<typeof frameEvent>;

/** The try-it console calls the local gateway: its address goes first in `servers`. */
export function withGateway(document: Record<string, unknown>, gatewayUrl: string | null): Record<string, unknown> {
  if (!gatewayUrl) return document;
  const servers = Array.isArray(document.servers) ? (document.servers as unknown[]) : [];
  return { ...document, servers: [{ url: gatewayUrl, description: 'Portico gateway (local)' }, ...servers] };
}

/**
 * The docs frame is sandboxed (an opaque origin), so try-it requests reach the gateway with `Origin: null`. They work
 * only when one of the design's `cors` policies allows `null` (or `*`). Portico does not add that on its own: a gateway
 * that answers `null` answers every sandboxed page. A rough check (policy declared, not where it is applied): the
 * hint it drives is advice, not enforcement.
 */
export function corsAllowsFrame(document: unknown): boolean {
  const ext = (document as { 'x-portico'?: { policies?: Record<string, unknown> } } | null)?.['x-portico'];
  const policies = ext?.policies && typeof ext.policies === 'object' ? Object.values(ext.policies) : [];
  return policies.some((p) => {
    const policy = p as { use?: unknown; with?: { origins?: unknown } } | null;
    const origins = policy?.with?.origins;
    return policy?.use === 'cors' && Array.isArray(origins) && origins.some((o) => o === 'null' || o === '*');
  });
}
