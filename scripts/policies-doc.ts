// docs/policies.md: the policy reference, with each policy's export support read from what the exporters report
// for resources/fixtures/export/every-policy.yaml (a design that uses every policy): the best any of its uses gets. Used by
// scripts/write-policies-doc.ts and by gateway/policies/reference.test.ts.
import { exportDesign, EXPORT_TARGETS } from '../gateway/export/index.js';
import { exportModel, flatPolicies, routeLabel } from '../gateway/export/model.js';
import { loadDesign } from '../gateway/openapi/load.js';
import { policies } from '../gateway/policies/index.js';
import { policiesReference, type ExportSupport } from '../gateway/policies/reference.js';

const FIXTURE = new URL('../resources/fixtures/export/every-policy.yaml', import.meta.url);

const RANK = { no: 0, approximate: 1, yes: 2 } as const;

/** Per policy and target, the best any of its uses in the fixture gets: a route where it is not reported is a clean export. */
export async function exportSupport(): Promise<ExportSupport> {
  const design = await loadDesign(FIXTURE.pathname);
  const model = exportModel(design, { env: {} });
  const support: ExportSupport = new Map();
  for (const target of EXPORT_TARGETS) {
    const { report } = exportDesign(design, target, { consumers: ['alice', 'bob'], env: {} });
    for (const route of model.routes) {
      const label = routeLabel(route);
      const { policies: used, plan } = flatPolicies(route);
      const ids = new Set([...used.map((p) => p.id), ...(plan?.alternatives.flat().map((a) => a.policy.id) ?? [])]);
      const routeLeftOut = report.some((e) => e.route === label && e.kind === 'unsupported' && (e.policy === 'route' || /the route is left out/.test(e.why)));
      for (const id of ids) {
        const entries = report.filter((e) => e.route === label && e.policy === id);
        const level = routeLeftOut || entries.some((e) => e.kind === 'unsupported') ? 'no' : entries.length > 0 ? 'approximate' : 'yes';
        const row = support.get(id) ?? {};
        if (row[target] === undefined || RANK[level] > RANK[row[target]]) row[target] = level;
        support.set(id, row);
      }
    }
  }
  return support;
}

export async function policiesDocument(): Promise<string> {
  return policiesReference(policies, { targets: [...EXPORT_TARGETS], support: await exportSupport() });
}
