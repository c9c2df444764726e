// Mutation testing of the security core, on demand only (`npm run mutate`, see scripts/mutate.mjs
// and test/MUTATION.md); never part of `npm test` or CI.
//
// The runner is Stryker's command runner: the suite is node:test run through tsx, which no Stryker
// runner plugin drives, and the command runner needs none (exit 0 = the mutant survived). It has
// no per-test coverage, so every mutant runs the whole command: each group runs only the test files
// that exercise its modules, and the groups run one at a time (MUTATE_GROUP picks one).

/** Module groups: what is mutated, and the test files that judge it. */
export const groups = {
  password: {
    mutate: ['src/stores/django-password.ts'],
    tests: ['test/stores/django-password.test.ts'],
  },
  errors: {
    mutate: ['src/koa/error-middleware.ts', 'src/koa/to-simple-jwt-error.ts'],
    tests: ['test/koa/error-middleware.test.ts', 'test/koa/to-simple-jwt-error.test.ts', 'test/koa/locale-routes.test.ts'],
  },
  authentication: {
    mutate: ['src/authentication/**/*.ts'],
    tests: ['test/authentication/*.test.ts'],
  },
  tokens: {
    mutate: ['src/tokens/**/*.ts'],
    tests: ['test/tokens/*.test.ts', 'test/services/check-token-user.test.ts'],
  },
  // The services' own unit tests (fake stores, a manual clock; two files use the database): about
  // 5 s a mutant, where the route tests that also drive them took about 18 s.
  services: {
    mutate: ['src/services/**/*.ts'],
    tests: ['test/services/*.test.ts'],
  },
  // The JWK Set client is its own group: its tests wait on real timeouts (about 6 s a run), which
  // would triple the cost of every other backend mutant.
  backend: {
    mutate: ['src/backend/**/*.ts', '!src/backend/jwks-client.ts'],
    tests: [
      'test/backend/check-backend-settings.test.ts', 'test/backend/create-token-backend.test.ts',
      'test/backend/create-token-backend-jwks.test.ts', 'test/backend/decode.test.ts',
      'test/backend/eddsa.test.ts', 'test/backend/encode.test.ts', 'test/backend/key-set-decode.test.ts',
      'test/backend/parse-compact-jws.test.ts', 'test/backend/pyjwt-claims.test.ts', 'test/backend/resolve-keys.test.ts',
      'test/backend/token-backend.test.ts',
    ],
  },
  jwks: {
    mutate: ['src/backend/jwks-client.ts'],
    tests: ['test/backend/jwks-client.test.ts'],
  },
  // The modules of this round (issue 19): only the files with behaviour (type-only ports skipped).
  cookies: {
    mutate: ['src/cookies/check-csrf.ts', 'src/cookies/set-cookie.ts', 'src/cookies/refresh-cookie-settings.ts', 'src/koa/refresh-cookie-transport.ts'],
    tests: ['test/cookies/*.test.ts', 'test/koa/refresh-cookie-routes.test.ts'],
  },
  families: {
    mutate: ['src/families/family-rotation.ts', 'src/families/reuse-policy.ts', 'src/families/reuse-detected.ts'],
    tests: ['test/families/reuse-detection.test.ts', 'test/families/family-rotation.test.ts', 'test/families/reuse-policy.test.ts', 'test/families/reuse-detected.test.ts'],
  },
  sessions: {
    mutate: ['src/families/sessions.ts'],
    tests: ['test/koa/session-routes.test.ts', 'test/families/sessions.test.ts'],
  },
  // Which keys sign and verify, and what is published (455 mutants with generate-signing-key.ts and
  // tenant-instances.ts: those two are the group `key-tools`).
  keys: {
    mutate: ['src/keys/jwk-thumbprint.ts', 'src/keys/public-jwk.ts', 'src/keys/resolve-key-set.ts'],
    tests: ['test/keys/resolve-key-set.test.ts', 'test/backend/key-set-decode.test.ts'],
  },
  'key-tools': {
    mutate: ['src/keys/generate-signing-key.ts', 'src/keys/tenant-instances.ts'],
    tests: ['test/keys/generate-signing-key.test.ts', 'test/keys/tenant-instances.test.ts', 'test/keys/resolve-key-set.test.ts', 'test/keys/tenant-keys.test.ts'],
  },
  throttle: {
    // The admission, the rule's arithmetic, the in-memory store and the option's validation.
    mutate: ['src/throttle/login-throttle.ts', 'src/throttle/throttle-rule.ts', 'src/throttle/memory-login-throttle-store.ts', 'src/throttle/resolve-login-throttle.ts'],
    tests: ['test/throttle/login-throttle.test.ts', 'test/throttle/throttle-rule.test.ts', 'test/throttle/memory-login-throttle-store.test.ts', 'test/throttle/resolve-login-throttle.test.ts', 'test/throttle/login-throttle-store.test.ts'],
  },
  protect: {
    mutate: ['src/koa/protect.ts', 'src/koa/allowed-methods.ts'],
    tests: ['test/koa/protect.test.ts', 'test/koa/allowed-methods.test.ts', 'test/koa/host-app.test.ts', 'test/profiles/ninja-jwt/ninja-routes-options.test.ts', 'test/keys/tenant-keys.test.ts'],
  },
  // The Ninja JWT profile's security-relevant modules: its header reading and user checks, its
  // one error renderer, its body reading (the router and the profile's tables are left out).
  profiles: {
    mutate: ['src/profiles/ninja-jwt/authenticate-ninja-request.ts', 'src/profiles/ninja-jwt/render-ninja-error.ts', 'src/profiles/ninja-jwt/read-ninja-fields.ts'],
    // Unit tests only (about 1.5 s a run): the route files (two-profiles, ninja-token-routes) take
    // 3-4 s more per mutant on the shared machine.
    tests: ['test/profiles/ninja-jwt/render-ninja-error.test.ts', 'test/profiles/ninja-jwt/authenticate-ninja-request.test.ts', 'test/profiles/ninja-jwt/read-ninja-fields.test.ts'],
  },
};

const name = process.env.MUTATE_GROUP;
const group = groups[name];
if (!group) {
  throw new Error(`stryker.config.mjs: set MUTATE_GROUP to one of ${Object.keys(groups).join(', ')} (npm run mutate -- <group> does)`);
}

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'command',
  commandRunner: {
    // A shell command (globs expanded in the sandbox; DATABASE_URL from the environment): every
    // test file of the group in one node process (scripts/mutation-tests.mjs), since start-up
    // was most of each run.
    command: `node --import tsx scripts/mutation-tests.mjs ${group.tests.join(' ')} > /dev/null`,
  },
  // MUTATE_ONLY (comma-separated files or globs) narrows a group to some of its modules, to get a
  // large group's results a part at a time: `MUTATE_ONLY=src/backend/eddsa.ts npm run mutate -- backend`.
  mutate: process.env.MUTATE_ONLY ? process.env.MUTATE_ONLY.split(',') : group.mutate,
  coverageAnalysis: 'off',
  // The machine is shared: one mutant at a time (scripts/mutate.mjs also runs Stryker under nice).
  concurrency: 1,
  // Test files create their own databases; a loaded machine makes the baseline vary.
  timeoutMS: 15_000,
  ignorePatterns: ['dist', '.tmp', 'test-artifacts', 'reports'],
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
  reporters: ['clear-text', 'progress-append-only', 'html', 'json'],
  htmlReporter: { fileName: `reports/mutation/${name}.html` },
  jsonReporter: { fileName: `reports/mutation/${name}.json` },
  clearTextReporter: { allowColor: false, logTests: false, reportScoreTable: true },
  thresholds: { high: 90, low: 80, break: null },
};
