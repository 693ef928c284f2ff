// One jest run, projects split by cost: *.spec.ts (pure), *.int-spec.ts (real servers), *.e2e-spec.ts (whole stack);
// *.fault-spec.ts (the stack under injected faults) runs on its own with `npm run test:faults`.
import { readFileSync } from 'node:fs';

const swc = JSON.parse(readFileSync(new URL('./.swcrc', import.meta.url), 'utf8'));
delete swc.$schema;

const shared = {
  rootDir: import.meta.dirname,
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', swc] },
  moduleNameMapper: {
    '^@hc/(contracts|event-store|messaging|testing|service-kit)$': '<rootDir>/libs/$1/src/index.ts',
    '^@hc/simulator$': '<rootDir>/tools/simulator/src/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '/.infra/'],
};

export default {
  reporters: ['default', '<rootDir>/scripts/jest-summary-reporter.cjs'],
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['**/*.spec.ts'] },
    {
      ...shared,
      displayName: 'int',
      testMatch: ['**/*.int-spec.ts'],
      setupFilesAfterEnv: ['<rootDir>/scripts/jest-slow-setup.js'],
      slowTestThreshold: 30,
    },
    {
      ...shared,
      displayName: 'e2e',
      testMatch: ['**/*.e2e-spec.ts'],
      setupFilesAfterEnv: ['<rootDir>/scripts/jest-slow-setup.js'],
      slowTestThreshold: 60,
    },
    {
      ...shared,
      displayName: 'faults',
      testMatch: ['**/*.fault-spec.ts'],
      globalSetup: '<rootDir>/tests/faults/jest/global-setup.mjs',
      globalTeardown: '<rootDir>/tests/faults/jest/global-teardown.mjs',
      setupFilesAfterEnv: ['<rootDir>/scripts/jest-slow-setup.js'],
      slowTestThreshold: 120,
    },
  ],
};
