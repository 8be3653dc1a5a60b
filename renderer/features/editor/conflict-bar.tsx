import { useStore } from '../workspace/store';
import type { Workspace } from '../workspace/workspace';

/** Shown when a file with unsaved edits changed on disk (or a save found a newer version there). */
export function ConflictBar({ ws, path }: { ws: Workspace; path: string }) {
  const conflict = useStore(ws.store, (s) => s.conflicts[path]);
  if (!conflict) return null;
  return (
    <div className="conflict-bar" role="alert">
      <span>
        <strong>{path}</strong> changed on disk while you were editing it.
      </span>
      <button className="btn primary" onClick={() => ws.reloadFromDisk(path)}>
        Reload from disk
      </button>
      <button className="btn" onClick={() => ws.keepMine(path)}>
        Keep mine
      </button>
    </div>
  );
}
