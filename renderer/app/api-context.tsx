import { createContext, useContext, type ReactNode } from 'react';
import type { ClientApi } from '../api/client';

/** The engine's client, injected at start (IPC in the desktop app, HTTP in the browser, a fake in tests). */
const ApiContext = createContext<ClientApi | null>(null);

export function ApiProvider({ api, children }: { api: ClientApi; children: ReactNode }) {
  return <ApiContext.Provider value={api}>{children}</ApiContext.Provider>;
}

export function useApi(): ClientApi {
  const api = useContext(ApiContext);
  if (!api) throw new Error('useApi outside ApiProvider');
  return api;
}
