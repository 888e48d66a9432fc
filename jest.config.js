// Three tiers: pure unit tests (no servers), integration tests on the real
// PostgreSQL/Redis/Kafka, and end-to-end tests that boot every app.
const { pathsToModuleNameMapper } = require('ts-jest');
const { compilerOptions } = require('./tsconfig.base.json');

const base = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  rootDir: __dirname,
  moduleNameMapper: pathsToModuleNameMapper(compilerOptions.paths, { prefix: '<rootDir>/' }),
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
};

module.exports = {
  projects: [
    {
      ...base,
      displayName: 'unit',
      testMatch: ['<rootDir>/{libs,apps,bench}/**/*.spec.ts', '<rootDir>/deploy/**/*.spec.ts', '<rootDir>/test/architecture/**/*.spec.ts'],
      setupFilesAfterEnv: ['<rootDir>/test/support/unit-timeouts.ts'],
    },
    {
      ...base,
      displayName: 'integration',
      testMatch: ['<rootDir>/{libs,apps}/**/*.int-spec.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      setupFilesAfterEnv: ['<rootDir>/test/support/integration-timeouts.ts'],
    },
    {
      ...base,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/e2e/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      setupFilesAfterEnv: ['<rootDir>/test/support/e2e-timeouts.ts'],
    },
    // Standalone mode needs no server: no global set-up; it runs the built entry point (npm run build first).
    { ...base, displayName: 'standalone', testMatch: ['<rootDir>/test/standalone/**/*.e2e-spec.ts'], setupFilesAfterEnv: ['<rootDir>/test/support/e2e-timeouts.ts'] },
  ],
};
