import { defineConfig } from 'vitest/config';

// Loopback tests must not wander into a proxy configured on the machine; proxy tests set their own.
const noProxy = Object.fromEntries(
  ['HTTP_PROXY', 'HTTPS_PROXY', 'ALL_PROXY', 'http_proxy', 'https_proxy', 'all_proxy'].map((name) => [name, '']),
);

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
    env: noProxy,
  },
});
