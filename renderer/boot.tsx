import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createDefaultApi } from './api';
import { ApiProvider } from './app/api-context';
import { App } from './app/app';
import './app/app.css';

export function start(): void {
  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <ApiProvider api={createDefaultApi()}>
        <App />
      </ApiProvider>
    </StrictMode>,
  );
}
