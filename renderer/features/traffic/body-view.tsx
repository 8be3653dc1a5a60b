import { useMemo } from 'react';
import type { LoggedBody } from '../../../gateway/contract';
import { bodyText, decodeBase64, languageOf, mediaType } from './body';
import { formatBytes } from './format';
import { CodeView } from './code-view';

/** One logged body as it is best read: pretty JSON with folding, XML/HTML/text, an image, or a hex dump. */
export function BodyView({ body, contentType, label }: { body: LoggedBody | undefined; contentType: string | undefined; label: string }) {
  const view = useMemo(() => {
    if (!body) return null;
    const bytes = decodeBase64(body.base64);
    return { bytes, ...bodyText(contentType, bytes, body.truncated) };
  }, [body, contentType]);

  if (!body || !view || view.kind === 'empty')
    return (
      <div className="body-empty muted" data-testid={`${label}-body`} data-kind="empty">
        No body{body && body.size > 0 ? ` logged (${formatBytes(body.size)})` : ''}.
      </div>
    );

  const meta = (
    <div className="body-meta">
      <span className="body-kind">{view.kind === 'binary' ? 'binary · hex' : view.kind}</span>
      <span>{mediaType(contentType) || 'no content-type'}</span>
      <span>{formatBytes(body.size)}</span>
      {body.truncated && (
        <span className="truncated" data-testid="truncated" title={`Only the first ${formatBytes(view.bytes.length)} were logged`}>
          truncated: {formatBytes(view.bytes.length)} of {formatBytes(body.size)} logged
        </span>
      )}
      <span className="spacer" />
      <span className="mono muted" title="SHA-256 of the full body">
        sha256 {body.sha256.slice(0, 12)}…
      </span>
    </div>
  );

  if (view.kind === 'image' && !body.truncated)
    return (
      <div className="body" data-testid={`${label}-body`} data-kind="image">
        {meta}
        <div className="body-image">
          <img src={`data:${mediaType(contentType)};base64,${body.base64}`} alt={`${label} body`} />
        </div>
      </div>
    );
  return (
    <div className="body" data-testid={`${label}-body`} data-kind={view.kind}>
      {meta}
      {view.kind === 'binary' || view.kind === 'image' ? <pre className="hex" data-testid="hex">{view.text}</pre> : <CodeView text={view.text} language={languageOf(view.kind)} maxHeight={560} testId={`${label}-code`} />}
    </div>
  );
}
