import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createExportService } from './export.js';
import { copyExample } from './test-support/example.js';
import { openWorkspace } from './workspace.js';

test('export.preview exports the design with unsaved overlays; a design that does not compile gives its problems; export.save writes the files', async () => {
  const example = copyExample();
  const workspace = await openWorkspace(example.dir, { watch: false });
  try {
    const { handlers } = createExportService({ workspace: () => workspace });
    const kong = await handlers['export.preview']({ target: 'kong', overlays: {} });
    assert.deepEqual(kong.problems, []);
    assert.deepEqual(kong.files.map((f) => f.path), ['kong.yaml', 'kong-openapi.yaml']);
    assert.match(kong.files[0]!.content, /name: listStock/);
    assert.ok(kong.report.some((e) => e.route === 'GET /pets' && e.kind === 'unsupported'), 'mocked routes are reported');

    // Unsaved text: the inventory's timeout changed in the editor only.
    const spec = readFileSync(join(example.dir, 'openapi.yaml'), 'utf8');
    const edited = await handlers['export.preview']({ target: 'kong', overlays: { 'openapi.yaml': spec.replace('timeout: 5s', 'timeout: 7s') } });
    assert.match(edited.files[0]!.content, /read_timeout: 7000/);

    const broken = await handlers['export.preview']({ target: 'nginx', overlays: { 'openapi.yaml': spec.replace('limit: 300', 'limit: -1') } });
    assert.deepEqual(broken.files, []);
    assert.equal(broken.problems[0]?.file, 'openapi.yaml');
    assert.match(broken.problems[0]!.message, /rate-limit/);

    const saved = await handlers['export.save']({ target: 'nginx', folder: 'out/nginx', overlays: {} });
    assert.equal(saved.folder, join(workspace.root, 'out/nginx'));
    assert.deepEqual(saved.files, [join(workspace.root, 'out/nginx/portico.conf')]);
    assert.match(readFileSync(saved.files[0]!, 'utf8'), /upstream portico_up_inventory/);
  } finally {
    workspace.close();
    example.cleanup();
  }
});
