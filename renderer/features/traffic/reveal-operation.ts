// From an exchange to its operation in the editor: find where the design declares it, open that file there.
import type { Workspace } from '../workspace/workspace';
import { textOf } from '../editor/large-model';
import { locatePointer } from '../outline/outline-client';
import { operationIdLine, pointerSegment } from './operation-line';

/**
 * Opens the operation of an exchange: by its operationId in the root document or any design file (operations often
 * live in files a path item `$ref`s), else by `/paths/<route>/<method>` in the root document. Says so when neither is found.
 */
export async function revealOperation(ws: Workspace, target: { operationId?: string; route?: string; method: string }): Promise<boolean> {
  const spec = ws.spec;
  const info = ws.store.get().info;
  if (!spec || !info) return false;
  const candidates = [spec, ...info.files.filter((f) => f.path !== spec && (f.kind === 'openapi' || f.kind === 'yaml' || f.kind === 'json')).map((f) => f.path)].slice(0, 200);
  if (target.operationId) {
    for (const path of candidates) {
      const doc = await ws.ensure(path).catch(() => null);
      const at = doc && operationIdLine(textOf(doc.model), target.operationId);
      if (at) {
        await ws.open(path, at);
        return true;
      }
    }
  }
  if (target.route) {
    const doc = await ws.ensure(spec).catch(() => null);
    if (doc) {
      // The logged route may carry the server's base path (`/v1/pets`): try it, then without leading segments.
      const segments = target.route.split('/').filter(Boolean);
      for (let skip = 0; skip < segments.length; skip++) {
        const route = `/${segments.slice(skip).join('/')}`;
        const base = `/paths/${pointerSegment(route)}`;
        const at = (await locatePointer(spec, textOf(doc.model), `${base}/${target.method.toLowerCase()}`)) ?? (await locatePointer(spec, textOf(doc.model), base));
        if (at) {
          await ws.open(spec, at);
          return true;
        }
      }
    }
  }
  ws.store.set({ notice: { text: `The operation ${target.operationId ?? `${target.method} ${target.route ?? ''}`} is not in the design any more.`, kind: 'error' } });
  await ws.open(spec);
  return false;
}
