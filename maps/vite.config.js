// Vite builds the page into maps/dist, which qala serves at / (`qala serve --web-dir`). During development
// (`npm run dev`) API requests go to a qala running on 127.0.0.1:8080.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { defineConfig } from 'vite';

const qala = process.env.QALA_URL || 'http://127.0.0.1:8080';

/**
 * Writes dist/sw.js (sw/sw.js, the service worker that keeps the page's shell for when qala cannot be
 * reached) with the list of the files this build made, and a version that changes with them.
 */
function shellWorker() {
  return {
    name: 'qala-shell-worker',
    apply: 'build',
    generateBundle(_options, bundle) {
      const files = Object.keys(bundle).filter((name) => name.startsWith('assets/')).sort();
      const shell = ['/', ...files.map((name) => `/${name}`)];
      const version = createHash('sha256').update(shell.join('\n')).digest('hex').slice(0, 16);
      const source = readFileSync(new URL('./sw/sw.js', import.meta.url), 'utf8')
        .replace('self.__QALA_SHELL__', JSON.stringify(shell))
        .replace('self.__QALA_VERSION__', JSON.stringify(version));
      this.emitFile({ type: 'asset', fileName: 'sw.js', source });
    },
  };
}

export default defineConfig({
  plugins: [shellWorker()],
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
