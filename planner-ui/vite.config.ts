import { defineConfig } from 'vite';

// The app is served by `xuncha serve` at `/`; assets get content hashes so the service can cache them for a year.
export default defineConfig({
  base: '/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsDir: 'assets',
    target: 'es2022',
    sourcemap: false,
    chunkSizeWarningLimit: 1500,
  },
  worker: { format: 'es' },
  server: {
    proxy: {
      '/api': 'http://127.0.0.1:8080',
      '/map': 'http://127.0.0.1:8080',
      '/app-config.json': 'http://127.0.0.1:8080',
    },
  },
});
