// Type-aware lint for the whole workspace, with the module boundaries the architecture depends on.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';
import globals from 'globals';

const serviceNames = ['circles', 'ideas', 'metrics'];

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '.infra/**', '.nx/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: globals.node,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']",
          message: 'Read time from the injected Clock.',
        },
      ],
    },
  },
  {
    // Libraries never depend on services or the gateway.
    files: ['libs/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                '@hc/circles*',
                '@hc/ideas*',
                '@hc/metrics*',
                '@hc/gateway*',
                '**/services/**',
                '**/gateway/**',
              ],
              message: 'Libraries must not import services or the gateway.',
            },
          ],
        },
      ],
    },
  },
  ...serviceNames.map((name) => ({
    // A service never imports another service or the gateway; they talk through Kafka and GraphQL.
    files: [`services/${name}/**/*.ts`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                ...serviceNames
                  .filter((other) => other !== name)
                  .flatMap((other) => [`@hc/${other}*`, `**/services/${other}/**`]),
                '@hc/gateway*',
                '**/gateway/**',
              ],
              message: 'A service must not import another service or the gateway.',
            },
          ],
        },
      ],
    },
  })),
  {
    files: ['**/*.spec.ts', '**/*.int-spec.ts', '**/*.e2e-spec.ts', 'libs/testing/**/*.ts'],
    rules: {
      'no-restricted-syntax': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    ...tseslint.configs.disableTypeChecked,
    rules: { ...tseslint.configs.disableTypeChecked.rules, 'no-restricted-syntax': 'off' },
  },
  { files: ['**/*.cjs'], languageOptions: { sourceType: 'commonjs' } },
  prettier,
);
