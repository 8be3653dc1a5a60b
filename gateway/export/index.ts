import type { Design } from '../openapi/design.js';
import { exportKong } from './kong.js';
import { exportKrakend } from './krakend.js';
import { exportModel, type ExportOptions, type ExportResult, type ExportTarget } from './model.js';
import { exportNginx, type NginxOptions } from './nginx.js';
import { exportZuplo } from './zuplo.js';

export { EXPORT_TARGETS, type ExportFile, type ExportOptions, type ExportResult, type ExportTarget, type ReportEntry } from './model.js';

/** A design exported to a target: its files and what the target does not do as the local gateway does. */
export function exportDesign(design: Design, target: ExportTarget, options: ExportOptions & NginxOptions & { env?: Readonly<Record<string, string | undefined>> } = {}): ExportResult {
  const model = exportModel(design, options.env ? { env: options.env } : {});
  switch (target) {
    case 'kong':
      return exportKong(model, options);
    case 'nginx':
      return exportNginx(model, options);
    case 'zuplo':
      return exportZuplo(model, options);
    case 'krakend':
      return exportKrakend(model, options);
  }
}

/** True when something could not be expressed at all (`--strict` fails on it); approximations alone do not count. */
export function hasUnsupported(result: ExportResult): boolean {
  return result.report.some((e) => e.kind === 'unsupported');
}
