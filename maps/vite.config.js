// Vite builds the page into maps/dist, which qala serves at / (`qala serve --web-dir`). During development
// (`npm run dev`) API requests go to a qala running on 127.0.0.1:8080.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
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

/**
 * Writes the labels' font into dist/glyphs/Noto Sans Regular/{range}.pbf (every range; MapLibre asks only for
 * those its text uses) with its licence, glyphs/OFL.txt. The glyphs come from the tileserver-gl-styles
 * package (pinned in package-lock.json), so nothing is downloaded at build or run time.
 */
function labelGlyphs() {
  const font = 'Noto Sans Regular';
  return {
    name: 'qala-label-glyphs',
    apply: 'build',
    generateBundle() {
      const dir = new URL(`./node_modules/tileserver-gl-styles/fonts/${font}/`, import.meta.url);
      const ranges = readdirSync(dir).filter((name) => /^\d+-\d+\.pbf$/.test(name));
      if (ranges.length !== 256) this.error(`expected 256 glyph ranges of ${font}, found ${ranges.length}`);
      for (const name of ranges) this.emitFile({ type: 'asset', fileName: `glyphs/${font}/${name}`, source: readFileSync(new URL(name, dir)) });
      this.emitFile({ type: 'asset', fileName: 'glyphs/OFL.txt', source: readFileSync(new URL('./glyphs/OFL.txt', import.meta.url)) });
    },
  };
}

export default defineConfig({
  plugins: [shellWorker(), labelGlyphs()],
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
