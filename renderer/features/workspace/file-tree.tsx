import { useMemo, useState } from 'react';
import type { FileEntry } from '../../../gateway/contract';
import { useStore } from './store';
import type { Workspace } from './workspace';
import { ChevronIcon, FileIcon, FolderIcon } from '../../ui/icons';

interface Dir {
  name: string;
  path: string;
  dirs: Dir[];
  files: FileEntry[];
}

function tree(files: FileEntry[]): Dir {
  const root: Dir = { name: '', path: '', dirs: [], files: [] };
  for (const file of files) {
    const parts = file.path.split('/');
    let dir = root;
    for (const part of parts.slice(0, -1)) {
      const path = dir.path ? `${dir.path}/${part}` : part;
      let next = dir.dirs.find((d) => d.name === part);
      if (!next) dir.dirs.push((next = { name: part, path, dirs: [], files: [] }));
      dir = next;
    }
    dir.files.push(file);
  }
  const sort = (d: Dir) => {
    d.dirs.sort((a, b) => a.name.localeCompare(b.name));
    d.files.sort((a, b) => a.path.localeCompare(b.path));
    d.dirs.forEach(sort);
  };
  sort(root);
  return root;
}

export function FileTree({ ws }: { ws: Workspace }) {
  const info = useStore(ws.store, (s) => s.info);
  const root = useMemo(() => tree((info?.files ?? []).filter((f) => f.kind !== 'other')), [info]);
  return (
    <nav className="file-tree" aria-label="Files">
      <DirView ws={ws} dir={root} depth={0} />
    </nav>
  );
}

function DirView({ ws, dir, depth }: { ws: Workspace; dir: Dir; depth: number }) {
  const [closed, setClosed] = useState<Record<string, boolean>>({});
  const active = useStore(ws.store, (s) => s.active);
  const dirty = useStore(ws.store, (s) => s.dirty);
  const spec = useStore(ws.store, (s) => s.info?.spec);
  const pad = (d: number) => ({ paddingLeft: 8 + d * 12 });
  return (
    <>
      {dir.dirs.map((d) => (
        <div key={d.path} role="group">
          <button className="tree-row" style={pad(depth)} onClick={() => setClosed((c) => ({ ...c, [d.path]: !c[d.path] }))} aria-expanded={!closed[d.path]}>
            <ChevronIcon open={!closed[d.path]} />
            <FolderIcon />
            <span className="tree-name">{d.name}</span>
          </button>
          {!closed[d.path] && <DirView ws={ws} dir={d} depth={depth + 1} />}
        </div>
      ))}
      {dir.files.map((f) => (
        <button
          key={f.path}
          className={`tree-row file${f.path === active ? ' active' : ''}`}
          style={pad(depth + 1)}
          onClick={() => void ws.open(f.path)}
          title={f.path}
          data-path={f.path}
        >
          <FileIcon path={f.path} />
          <span className="tree-name">{f.path.slice(f.path.lastIndexOf('/') + 1)}</span>
          {f.path === spec && <span className="badge">root</span>}
          {dirty[f.path] && <span className="dirty-dot" aria-label="unsaved" />}
        </button>
      ))}
    </>
  );
}
