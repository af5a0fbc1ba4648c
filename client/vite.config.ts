import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';

// The server serves the built client from its wwwroot, so `make run` is one process.
export default defineConfig({
  plugins: [react()],
  resolve: { alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) } },
  build: {
    outDir: '../server/src/Likeness.Api/wwwroot',
    emptyOutDir: true,
  },
  server: {
    // `npm run dev` against a server started with `make run` (port 5080).
    proxy: { '/api': 'http://127.0.0.1:5080' },
  },
  test: {
    environment: 'jsdom',
    globals: true,
    setupFiles: ['./test/setup.ts'],
    include: ['src/**/*.test.{ts,tsx}'],
    css: false,
    testTimeout: 20_000, // whole-page flows on a 2-core CI machine
  },
});
