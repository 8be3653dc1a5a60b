import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** A private copy of the bundled example workspace. */
export function copyExample(): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'portico-ws-'));
  cpSync(fileURLToPath(new URL('../../../resources/examples/petstore', import.meta.url)), dir, { recursive: true, filter: (source) => !/[\\/]\.portico$/.test(source) });
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export async function until<T>(probe: () => T | Promise<T>, what: string, timeoutMs = 10_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
