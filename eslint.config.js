import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'cdk.out/',
      '.data/',
      'coverage/',
      'lambdas/gen/',
      'client/dist/',
      '.bench/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['lambdas/core/**/*.ts'],
    rules: {
      // The domain stays free of transport and cloud types.
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@aws-sdk/*', 'aws-lambda', '@middy/*', 'node:http', 'node:https'],
              message: 'lambdas/core must not depend on AWS, HTTP or Lambda types.',
            },
            {
              group: ['@connectrpc/*', '@aws-lambda-powertools/*'],
              message: 'lambdas/core must not depend on adapters.',
            },
          ],
        },
      ],
    },
  },
  {
    // Tests read arbitrary JSON answers and poke at them; typing each one adds nothing.
    files: ['test/**/*.ts', 'client/test/**/*.ts', 'bench/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { module: 'writable', require: 'readonly' },
    },
  },
);
