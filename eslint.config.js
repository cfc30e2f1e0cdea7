// @ts-check
import js from '@eslint/js'
import tseslint from 'typescript-eslint'

export default tseslint.config(
  {
    ignores: ['**/dist/**', '**/node_modules/**', 'coverage/**', '**/generated/**', '**/.readme-snippets/**']
  },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: {
          allowDefaultProject: ['*.js', '.*.js', '.*.cjs']
        },
        tsconfigRootDir: import.meta.dirname
      }
    },
    rules: {
      'no-console': 'error',
      // interface methods are async by contract even where an implementation need not await
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      '@typescript-eslint/no-extraneous-class': 'off',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-unnecessary-condition': ['error', { allowConstantLoopConditions: true }]
    }
  },
  {
    // the web page runs in the browser: its own tsconfig brings the DOM types the root one lacks
    files: ['packages/web/src/page/**/*.ts', 'packages/web/vite.config.ts'],
    languageOptions: {
      parserOptions: {
        projectService: false,
        project: ['packages/web/tsconfig.page.json'],
        tsconfigRootDir: import.meta.dirname
      }
    }
  },
  {
    // the browser client example's page runs in the browser too: its own tsconfig brings the DOM types
    files: ['examples/browser-client/src/page/**/*.ts'],
    languageOptions: {
      parserOptions: {
        projectService: false,
        project: ['examples/browser-client/tsconfig.page.json'],
        tsconfigRootDir: import.meta.dirname
      }
    }
  },
  {
    // tests, examples, benchmarks and scripts may print and use chai's expression assertions
    files: ['**/test/**', 'test/**', 'examples/**', 'bench/**', 'scripts/**', '**/scripts/**'],
    rules: {
      'no-console': 'off',
      '@typescript-eslint/no-unused-expressions': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off'
    }
  },
  {
    // the compliance suites are library code that uses chai's expression assertions
    files: ['packages/testkit/src/compliance/**'],
    rules: {
      '@typescript-eslint/no-unused-expressions': 'off'
    }
  },
  {
    files: ['**/*.js'],
    ...tseslint.configs.disableTypeChecked
  },
  {
    // the js-waku interop child scripts: plain ES modules run by Node.js 22, outside every tsconfig
    files: ['interop/**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      parserOptions: { projectService: false },
      globals: { process: 'readonly', Buffer: 'readonly', URL: 'readonly' }
    }
  }
)
