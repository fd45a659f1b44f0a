// Builds famigraph's pages into ../internal/webui/dist, which the Go binary
// embeds: GraphiQL (index.html, served at /) and the explorer
// (explore/index.html, served at /explore). The build is deterministic: file
// names carry content hashes, nothing carries a time.
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';

export default defineConfig({
  plugins: [react()],
  base: '/',
  build: {
    outDir: fileURLToPath(new URL('../internal/webui/dist', import.meta.url)),
    emptyOutDir: true,
    // Files, not data: URLs, so that the pages work under a CSP of 'self'.
    assetsInlineLimit: 0,
    sourcemap: false,
    reportCompressedSize: false,
    chunkSizeWarningLimit: 6000,
    rollupOptions: {
      input: {
        graphiql: fileURLToPath(new URL('./index.html', import.meta.url)),
        explore: fileURLToPath(new URL('./explore/index.html', import.meta.url)),
      },
    },
  },
  worker: { format: 'es' },
});
