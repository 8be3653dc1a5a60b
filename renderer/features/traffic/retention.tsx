import { useEffect, useRef, useState } from 'react';
import type { Api, TrafficInfo } from '../../../gateway/contract';
import { formatBytes, formatCount } from './format';
import { errorText } from './traffic-model';

/** The log's file, size and count; a popover sets the retention caps (by count, by age), applied at once by the engine. */
export function RetentionButton({ api, info, onChanged }: { api: Api; info: TrafficInfo; onChanged: (info: TrafficInfo, text: string) => void }) {
  const [open, setOpen] = useState(false);
  const [count, setCount] = useState('');
  const [hours, setHours] = useState('');
  const [error, setError] = useState<string | null>(null);
  const box = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    setCount(info.retention.maxCount ? String(info.retention.maxCount) : '');
    setHours(info.retention.maxAgeHours ? String(info.retention.maxAgeHours) : '');
    setError(null);
    const away = (e: MouseEvent) => !box.current?.contains(e.target as Node) && setOpen(false);
    const esc = (e: KeyboardEvent) => e.key === 'Escape' && setOpen(false);
    window.addEventListener('mousedown', away);
    window.addEventListener('keydown', esc);
    return () => {
      window.removeEventListener('mousedown', away);
      window.removeEventListener('keydown', esc);
    };
    // Only when it opens: typing must not be reset by a refreshed info.
  }, [open]);

  const apply = async () => {
    const maxCount = count.trim() ? Number(count) : undefined;
    const maxAgeHours = hours.trim() ? Number(hours) : undefined;
    if (maxCount !== undefined && !(Number.isInteger(maxCount) && maxCount > 0)) return setError('The count is a whole number above 0.');
    if (maxAgeHours !== undefined && !(maxAgeHours > 0)) return setError('The age is a number of hours above 0.');
    try {
      const next = await api.call('traffic.retention', { ...(maxCount && { maxCount }), ...(maxAgeHours && { maxAgeHours }) });
      setOpen(false);
      onChanged(next, maxCount || maxAgeHours ? 'Retention applied: older exchanges are removed and the file shrinks.' : 'Retention off: every exchange is kept.');
    } catch (e) {
      setError(errorText(e));
    }
  };

  const caps = [info.retention.maxCount && `≤ ${formatCount(info.retention.maxCount)}`, info.retention.maxAgeHours && `≤ ${info.retention.maxAgeHours} h`].filter(Boolean).join(', ');
  return (
    <div className="retention" ref={box}>
      <button className="traffic-meta db-button" onClick={() => setOpen(!open)} aria-expanded={open} title={info.file} data-testid="traffic-info">
        DB {formatBytes(info.sizeBytes)} · {formatCount(info.count)} stored{caps && <span className="muted"> · keeps {caps}</span>}
      </button>
      {open && (
        <div className="popover" role="dialog" aria-label="Retention" data-testid="retention">
          <div className="popover-title">Traffic log</div>
          <div className="mono muted small popover-file">{info.file}</div>
          <div className="small">
            {formatBytes(info.sizeBytes)} · {formatCount(info.count)} exchanges
          </div>
          <label className="field-label">Keep at most</label>
          <div className="popover-row">
            <input inputMode="numeric" value={count} onChange={(e) => setCount(e.target.value)} placeholder="no cap" aria-label="Maximum exchanges" data-testid="retention-count" />
            <span className="muted small">exchanges</span>
          </div>
          <div className="popover-row">
            <input inputMode="decimal" value={hours} onChange={(e) => setHours(e.target.value)} placeholder="no cap" aria-label="Maximum age in hours" data-testid="retention-hours" />
            <span className="muted small">hours old</span>
          </div>
          {error && <div className="inline-error">{error}</div>}
          <div className="popover-buttons">
            <button className="btn primary" onClick={() => void apply()} data-testid="retention-apply">
              Apply
            </button>
            <button className="btn" onClick={() => setOpen(false)}>
              Cancel
            </button>
          </div>
        </div>
      )}
    </div>
  );
}
