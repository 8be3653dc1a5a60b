import { useStore } from '../workspace/store';
import type { Workspace } from '../workspace/workspace';
import { basename } from '../workspace/paths';
import { FileIcon, CloseIcon } from '../../ui/icons';

export function Tabs({ ws }: { ws: Workspace }) {
  const tabs = useStore(ws.store, (s) => s.tabs);
  const active = useStore(ws.store, (s) => s.active);
  const dirty = useStore(ws.store, (s) => s.dirty);
  return (
    <div className="tabs" role="tablist">
      {tabs.map((path) => (
        <div
          key={path}
          role="tab"
          aria-selected={path === active}
          title={path}
          className={`tab${path === active ? ' active' : ''}${dirty[path] ? ' dirty' : ''}`}
          data-path={path}
          onClick={() => ws.activate(path)}
          onAuxClick={(e) => e.button === 1 && ws.close(path)}
        >
          <FileIcon path={path} />
          <span className="tab-name">{basename(path)}</span>
          <button
            className="tab-close"
            aria-label={dirty[path] ? `Close ${path} (unsaved)` : `Close ${path}`}
            onClick={(e) => {
              e.stopPropagation();
              ws.close(path);
            }}
          >
            <span className="dirty-dot" aria-hidden />
            <CloseIcon />
          </button>
        </div>
      ))}
    </div>
  );
}
