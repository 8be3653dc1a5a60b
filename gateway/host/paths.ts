import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where the package's own files are, from source (gateway/host/) or built (dist/gateway/host/). */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        if ((JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'portico') return dir;
      } catch {
        // keep looking
      }
    }
    const parent = dirname(dir);
    if (parent === dir) return join(dirname(fileURLToPath(import.meta.url)), '..', '..');
    dir = parent;
  }
}

/** The bundled example workspace, opened when no folder is given. */
export const exampleFolder = (): string => join(packageRoot(), 'resources', 'examples', 'petstore');

/** The built renderer that browser mode serves. */
export const rendererDir = (): string => join(packageRoot(), 'dist', 'renderer');
