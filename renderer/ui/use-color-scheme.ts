import { useSyncExternalStore } from 'react';

const query = () => window.matchMedia('(prefers-color-scheme: dark)');

/** The OS's light or dark preference, live. */
export function useColorScheme(): 'dark' | 'light' {
  return useSyncExternalStore(
    (cb) => {
      const q = query();
      q.addEventListener('change', cb);
      return () => q.removeEventListener('change', cb);
    },
    () => (query().matches ? 'dark' : 'light'),
  );
}
