import { BlockList, isIP } from 'node:net';
import { z } from 'zod';
import { definePolicy } from '../pipeline/policy.js';
import { problem } from '../pipeline/problem.js';

/** `10.0.0.0/8`, `192.168.1.7`, `2001:db8::/32`, `::1`: an address, or a network in CIDR notation. */
const cidr = z.string().refine((text) => parseCidr(text) !== undefined, 'an IPv4 or IPv6 address, or a CIDR network such as 10.0.0.0/8 or 2001:db8::/32');

export const config = z
  .object({
    allow: z.array(cidr).min(1).optional().describe('Only these addresses and networks may call; everyone else gets 403.'),
    deny: z.array(cidr).min(1).optional().describe('These addresses and networks get 403 (deny wins over allow).'),
  })
  .strict()
  .refine((cfg) => cfg.allow !== undefined || cfg.deny !== undefined, 'give allow, deny, or both');

interface Cidr {
  address: string;
  prefix: number;
  family: 'ipv4' | 'ipv6';
}

export function parseCidr(text: string): Cidr | undefined {
  const slash = text.indexOf('/');
  const address = (slash === -1 ? text : text.slice(0, slash)).trim();
  const version = isIP(address);
  if (version === 0) return undefined;
  const max = version === 4 ? 32 : 128;
  const prefixText = slash === -1 ? String(max) : text.slice(slash + 1).trim();
  if (!/^\d{1,3}$/.test(prefixText)) return undefined;
  const prefix = Number(prefixText);
  if (prefix > max) return undefined;
  return { address, prefix, family: version === 4 ? 'ipv4' : 'ipv6' };
}

function listOf(entries: readonly string[]): BlockList {
  const list = new BlockList();
  for (const entry of entries) {
    const { address, prefix, family } = parseCidr(entry)!;
    list.addSubnet(address, prefix, family);
  }
  return list;
}

/**
 * Allow and deny lists of networks, matched against the socket's address (never a client-sent forwarding header)
 * with Node's BlockList, which also matches IPv4-mapped IPv6 addresses (::ffff:10.0.0.1) against IPv4 networks.
 */
export default definePolicy({
  id: 'ip-filter',
  title: 'IP filter',
  description: 'Allows or denies clients by address: IPv4 and IPv6 networks in CIDR notation; 403 otherwise.',
  phase: 'request',
  config,
  example: { allow: ['10.0.0.0/8', '2001:db8::/32'], deny: ['10.6.6.0/24'] },
  describe: (cfg) => [cfg.allow && `allow ${cfg.allow.join(' ')}`, cfg.deny && `deny ${cfg.deny.join(' ')}`].filter(Boolean).join('; '),
  create: (cfg) => {
    const allow = cfg.allow && listOf(cfg.allow);
    const deny = cfg.deny && listOf(cfg.deny);
    const forbidden = problem(403, 'forbidden', 'Forbidden', 'Requests from this address are not allowed.');
    return (ctx) => {
      const address = ctx.request.clientAddress;
      const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
      if (deny?.check(address, family)) return ctx.problem(forbidden, { reason: `client ${address} is in the deny list` });
      if (allow && !allow.check(address, family)) return ctx.problem(forbidden, { reason: `client ${address} is not in the allow list` });
      return ctx.next();
    };
  },
});
