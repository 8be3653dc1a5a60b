import { readFileSync } from 'node:fs';

/** Portico's version, from package.json: one folder up from gateway/ (tsx), two from dist/gateway/ (built). */
export function readVersion(): string {
  for (const candidate of ['../package.json', '../../package.json']) {
    try {
      const manifest = JSON.parse(readFileSync(new URL(candidate, import.meta.url), 'utf8')) as { name?: string; version?: string };
      if (manifest.name === 'portico' && manifest.version) return manifest.version;
    } catch {
      // try the next one
    }
  }
  return 'unknown';
}
