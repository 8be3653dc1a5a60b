import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import type { ExportTarget, Handlers, Problem } from '../contract/index.js';
import { exportDesign, type ExportResult } from '../export/index.js';
import { DesignError } from '../openapi/design.js';
import { loadDesign } from '../openapi/load.js';
import { noSpec, overlayReader, toWorkspaceProblem, type Overlays } from './design.js';
import type { Workspace } from './workspace.js';

/**
 * `export.preview` and `export.save`: the workspace's design, unsaved overlays included, exported to a production
 * gateway. Pure exports (gateway/export) do the work; this file reads the design and writes the files.
 */

export interface ExportServiceOptions {
  workspace: () => Workspace;
  /** Overlays as the editor sends them, as texts by path; by default the whole texts sent as strings are used. */
  resolve?: (overlays: Readonly<Record<string, unknown>>) => Promise<Overlays>;
}

type Outcome = ExportResult & { problems: Problem[] };

export function createExportService(options: ExportServiceOptions) {
  const texts = options.resolve ?? (async (overlays: Readonly<Record<string, unknown>>) => Object.fromEntries(Object.entries(overlays).filter((e): e is [string, string] => typeof e[1] === 'string')));

  const run = async (target: ExportTarget, overlays: Readonly<Record<string, unknown>>): Promise<Outcome> => {
    const workspace = options.workspace();
    if (workspace.spec === '') return { files: [], report: [], problems: noSpec(workspace) };
    try {
      const design = await loadDesign(workspace.specPath, { read: overlayReader(workspace, await texts(overlays)) });
      return { ...exportDesign(design, target, { env: process.env }), problems: [] };
    } catch (error) {
      if (error instanceof DesignError) return { files: [], report: [], problems: error.problems.map((p) => toWorkspaceProblem(workspace, p)) };
      throw error;
    }
  };

  const handlers: Pick<Handlers, 'export.preview' | 'export.save'> = {
    'export.preview': ({ target, overlays }) => run(target, overlays),
    'export.save': async ({ target, folder, overlays }) => {
      const outcome = await run(target, overlays);
      const out = isAbsolute(folder) ? folder : resolve(options.workspace().root, folder);
      const files: string[] = [];
      if (outcome.problems.length === 0) {
        for (const file of outcome.files) {
          const path = join(out, file.path);
          await mkdir(dirname(path), { recursive: true });
          await writeFile(path, file.content);
          files.push(path);
        }
      }
      return { folder: out, files, report: outcome.report, problems: outcome.problems };
    },
  };
  return { handlers };
}
