// Small inline SVG icons (no icon font, nothing fetched).
import type { SVGProps } from 'react';

const Svg = (props: SVGProps<SVGSVGElement>) => <svg width="14" height="14" viewBox="0 0 16 16" fill="none" stroke="currentColor" strokeWidth="1.5" strokeLinecap="round" strokeLinejoin="round" aria-hidden {...props} />;

export const CloseIcon = () => (
  <Svg className="icon-close" width="12" height="12">
    <path d="M4 4l8 8M12 4l-8 8" />
  </Svg>
);
export const ChevronIcon = ({ open }: { open: boolean }) => (
  <Svg width="12" height="12" style={{ transform: open ? 'rotate(90deg)' : undefined, transition: 'transform 120ms' }}>
    <path d="M6 4l4 4-4 4" />
  </Svg>
);
export const FolderOpenIcon = () => (
  <Svg className="icon-folder-open">
    <path d="M1.5 12V4.5a1 1 0 011-1h3.5l1.5 1.5h5a1 1 0 011 1V7" />
    <path d="M1.5 12l2-4.5h11l-2 4.5z" />
  </Svg>
);
export const FolderIcon = () => (
  <Svg className="icon-folder">
    <path d="M1.5 4.5a1 1 0 011-1h3.5l1.5 1.5h6a1 1 0 011 1v6a1 1 0 01-1 1h-11a1 1 0 01-1-1z" />
  </Svg>
);
export function FileIcon({ path }: { path: string }) {
  const kind = /\.json$/i.test(path) ? 'json' : /\.ya?ml$/i.test(path) ? 'yaml' : 'other';
  return <span className={`file-icon file-icon-${kind}`} aria-hidden>{kind === 'json' ? '{}' : kind === 'yaml' ? 'Y' : '·'}</span>;
}
export const ErrorIcon = () => (
  <Svg className="sev sev-error">
    <circle cx="8" cy="8" r="6" />
    <path d="M6 6l4 4M10 6l-4 4" />
  </Svg>
);
export const WarningIcon = () => (
  <Svg className="sev sev-warning">
    <path d="M8 2l6.5 11.5h-13z" />
    <path d="M8 6.5v3M8 11.5v.01" />
  </Svg>
);
export const InfoIcon = () => (
  <Svg className="sev sev-info">
    <circle cx="8" cy="8" r="6" />
    <path d="M8 7.5v3.5M8 5v.01" />
  </Svg>
);
export const PlayIcon = () => (
  <Svg width="12" height="12">
    <path d="M4.5 3v10l8-5z" fill="currentColor" />
  </Svg>
);
export const StopIcon = () => (
  <Svg width="12" height="12">
    <rect x="4" y="4" width="8" height="8" rx="1" fill="currentColor" />
  </Svg>
);
export const LogoIcon = () => (
  <svg width="18" height="18" viewBox="0 0 24 24" aria-hidden>
    <rect x="2" y="2" width="20" height="20" rx="5" fill="var(--accent)" />
    <path d="M7 17V9.5a5 5 0 0110 0V17" stroke="#fff" strokeWidth="2" fill="none" strokeLinecap="round" />
    <path d="M10.5 17v-5h3v5" stroke="#fff" strokeWidth="1.6" fill="none" />
  </svg>
);
export function SeverityIcon({ severity }: { severity: string }) {
  return severity === 'error' ? <ErrorIcon /> : severity === 'warning' ? <WarningIcon /> : <InfoIcon />;
}
