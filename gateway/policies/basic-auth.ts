import { z } from 'zod';
import { definePolicy, type Outcome } from '../pipeline/policy.js';
import { problem } from '../pipeline/problem.js';

export const config = z
  .object({
    realm: z.string().regex(/^[^"\\\r\n]*$/, 'a realm without quotes or backslashes').default('portico').describe('Realm named in the WWW-Authenticate challenge.'),
  })
  .strict();

/**
 * HTTP Basic authentication (RFC 7617) against the workspace's consumers: the user name is the consumer's name, the
 * password the one set with `portico consumers password` (stored as a salted scrypt hash). Sets the consumer.
 */
export default definePolicy({
  id: 'basic-auth',
  title: 'Basic authentication',
  description: "Requires HTTP Basic credentials of a consumer (name and password); 401 with a WWW-Authenticate challenge otherwise.",
  phase: 'request',
  config,
  example: { realm: 'shop' },
  describe: (cfg) => `realm ${cfg.realm}`,
  // Authorization is redacted from the log by default.
  create: (cfg, { consumers }) => {
    const challenge = { 'www-authenticate': `Basic realm="${cfg.realm}", charset="UTF-8"` };
    const unauthorized = problem(401, 'unauthorized', 'Unauthorized', 'Valid HTTP Basic credentials are required.');
    const checkPassword = consumers.checkPassword?.bind(consumers);

    return (ctx) => {
      const fail = (reason: string) => ctx.problem(unauthorized, { headers: challenge, reason });
      let authorization: string | undefined;
      for (let i = 0; i < ctx.request.rawHeaders.length; i += 2) {
        if (ctx.request.rawHeaders[i]!.toLowerCase() !== 'authorization') continue;
        if (authorization !== undefined) return fail('two Authorization headers');
        authorization = ctx.request.rawHeaders[i + 1]!;
      }
      if (authorization === undefined) return fail('no Authorization header');
      const match = /^Basic[ ]+([A-Za-z0-9+/]+={0,2})[ ]*$/i.exec(authorization);
      if (!match) return fail('the Authorization header is not Basic credentials');
      const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon <= 0) return fail('malformed Basic credentials');
      const name = decoded.slice(0, colon);
      const password = decoded.slice(colon + 1);
      if (!checkPassword) return fail(`no consumer has a password (consumer "${name}")`);
      return checkPassword(name, password).then((ok): Outcome => {
        if (!ok) return fail(`wrong password or unknown consumer "${name}"`);
        ctx.consumer = name;
        return ctx.next();
      });
    };
  },
});
