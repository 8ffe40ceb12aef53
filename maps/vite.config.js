// Vite builds the page into maps/dist, which qala serves at / (`qala serve --web-dir`). During development
// (`npm run dev`) API requests go to a qala running on 127.0.0.1:8080.
import { defineConfig } from 'vite';

const qala = process.env.QALA_URL || 'http://127.0.0.1:8080';

export default defineConfig({
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 1500,
    sourcemap: false,
  },
  server: {
    proxy: { '/api': qala, '/readyz': qala, '/ogc': qala },
  },
});
