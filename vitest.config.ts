// One project per kind of test (STYLE.md section 11). The global setup starts moto_server and checks for
// cfn-lint once for the whole run; suites that need them read the result through `inject`.
import { defineConfig } from 'vitest/config';

const project = (name: string, include: string[], extra: Record<string, unknown> = {}) => ({
  extends: true as const,
  test: { name, include, ...extra },
});

export default defineConfig({
  test: {
    globalSetup: ['tests/support/global-setup.ts'],
    testTimeout: 20_000,
    hookTimeout: 60_000,
    reporters: ['default'],
    projects: [
      project('unit', ['tests/unit/**/*.test.ts']),
      project('contract', ['tests/contract/**/*.test.ts']),
      project('integration', ['tests/integration/**/*.test.ts']),
      project('handlers', ['tests/handlers/**/*.test.ts']),
      project('infra', ['tests/infra/**/*.test.ts'], { testTimeout: 120_000 }),
      project('fuzz', ['tests/fuzz/**/*.fuzz.test.ts'], { testTimeout: 120_000 }),
      project('chaos', ['tests/chaos/**/*.chaos.test.ts'], { testTimeout: 60_000 }),
    ],
  },
});
