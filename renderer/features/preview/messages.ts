// The only messages the docs preview frame accepts, validated on arrival.
import { z } from 'zod';

export const showDesign = z.object({
  type: z.literal('portico:show'),
  revision: z.number().int(),
  document: z.record(z.string(), z.unknown()),
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
