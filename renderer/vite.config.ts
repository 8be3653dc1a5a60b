// Builds the renderer (the workspace UI and the isolated docs preview) into dist/renderer/.
// Everything is bundled: Monaco and its workers, the OpenAPI schemas, Elements and its CSS. Nothing is fetched at run time.
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  root: here('.'),
  base: './',
  plugins: [react()],
  // @stoplight/elements and its dependencies read Node's `global`; `process` is shimmed in the preview entry.
  define: { global: 'globalThis' },
  resolve: { alias: { buffer: 'buffer/', url: 'url/' } },
  worker: { format: 'es' },
  build: {
    outDir: here('../dist/renderer'),
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 6000,
    reportCompressedSize: false,
    sourcemap: false,
    rollupOptions: {
      input: { index: here('index.html'), preview: here('preview.html') },
      // @jsdevtools/ono (under Elements) ships an ESM file that also assigns `module.exports`: harmless, and not ours.
      onwarn(warning, warn) {
        if (warning.code !== 'COMMONJS_VARIABLE_IN_ESM') warn(warning);
      },
    },
  },
  server: { host: '127.0.0.1', fs: { allow: [here('..')] } },
});
