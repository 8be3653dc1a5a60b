import type { Api } from '../../../gateway/contract';
import { DiffView } from './code-view';
import { exchangeText } from './diff-text';
import { useExchange } from './exchange-detail';
import { formatMs, formatTime, statusClass } from './format';

/** Two exchanges side by side: request line, headers and bodies of both, differences marked. */
export function CompareView({ api, ids, onClose }: { api: Api; ids: [number, number]; onClose: () => void }) {
  // Older on the left, newer on the right, like a diff of before and after.
  const [a, b] = ids[0] < ids[1] ? ids : [ids[1], ids[0]];
  const left = useExchange(api, a);
  const right = useExchange(api, b);
  const error = left?.error ?? right?.error;
  return (
    <section className="compare" aria-label="Compare exchanges" data-testid="compare">
      <header className="compare-head">
        {[left?.detail, right?.detail].map((d, i) => (
          <div key={i} className="compare-side">
            {d && (
              <>
                <span className={`method m-${d.method.toLowerCase()}`}>{d.method}</span>
                <span className="mono compare-url">{d.url}</span>
                <span className={`status-badge st-${statusClass(d.status)}`}>{d.status}</span>
                <span className="muted">
                  #{d.id} · {formatTime(d.startedAt)} · {formatMs(d.durationMs)}
                </span>
              </>
            )}
          </div>
        ))}
        <button className="btn ghost" onClick={onClose} data-testid="compare-close">
          Close
        </button>
      </header>
      {error ? (
        <div className="xside-empty text-error">{error}</div>
      ) : left?.detail && right?.detail ? (
        <DiffView left={exchangeText(left.detail)} right={exchangeText(right.detail)} />
      ) : (
        <div className="xside-empty">
          <span className="spinner" />
        </div>
      )}
    </section>
  );
}
