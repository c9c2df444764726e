import { readAuthHeaderName, readAuthHeaderTypes } from './authentication/auth-header-options.js';
import { LANGUAGES } from './locales/languages.js';
import { SettingsError } from './errors.js';
import { systemClock } from './clock.js';
import { isEmpty, mayOmitSigningKey, SIGNING_KEY_REQUIRED } from './backend/resolve-keys.js';
import { ALGORITHMS } from './settings.js';
import type { Algorithm, ResolvedSettings, SimpleJwtOptions, WireProfile } from './settings.js';
import type { AuthUser } from './stores/user-store.js';
import type { TokenClass } from './tokens/token.js';
import { AccessToken } from './tokens/access-token.js';
import { RefreshToken } from './tokens/refresh-token.js';
import { Token } from './tokens/token.js';
import { resolveLoginThrottle } from './throttle/resolve-login-throttle.js';
import { resolveRefreshCookie } from './cookies/refresh-cookie-settings.js';

type OptionName = keyof SimpleJwtOptions;

/** Simple JWT's defaults, under our names. */
const DEFAULTS = {
  accessTokenLifetime: 5 * 60,
  refreshTokenLifetime: 24 * 60 * 60,
  rotateRefreshTokens: false,
  blacklistAfterRotation: false,
  updateLastLogin: false,
  algorithm: 'HS256' as Algorithm,
  jwkCacheSeconds: 300,
  jwkTimeoutMs: 5000,
  jwksMaxAge: 300,
  jwkCooldownSeconds: 30,
  leeway: 0,
  authHeaderTypes: ['Bearer'],
  authHeaderName: 'Authorization',
  userIdField: 'id',
  userIdClaim: 'user_id',
  tokenTypeClaim: 'token_type',
  jtiClaim: 'jti',
  slidingTokenRefreshExpClaim: 'refresh_exp',
  slidingTokenLifetime: 5 * 60,
  slidingTokenRefreshLifetime: 24 * 60 * 60,
  checkRevokeToken: false,
  revokeTokenClaim: 'hash_password',
  checkUserIsActive: true,
} as const;

/** Every option name `createSimpleJwt` knows; anything else is a typo and fails at startup. */
const KNOWN_OPTIONS: ReadonlySet<string> = new Set<OptionName>([
  'accessTokenLifetime', 'refreshTokenLifetime', 'rotateRefreshTokens', 'blacklistAfterRotation',
  'updateLastLogin', 'algorithm', 'signingKey', 'verifyingKey', 'audience', 'issuer', 'jwkUrl',
  'jwkCacheSeconds', 'jwkTimeoutMs', 'leeway', 'authHeaderTypes', 'authHeaderName', 'userIdField',
  'userIdClaim', 'userAuthenticationRule', 'tokenTypeClaim', 'jtiClaim', 'slidingTokenRefreshExpClaim',
  'slidingTokenLifetime', 'slidingTokenRefreshLifetime', 'checkRevokeToken', 'revokeTokenClaim',
  'checkUserIsActive', 'onLoginSuccess', 'onLoginFailed', 'tokenClaims', 'userStore',
  'signingKeys', 'kidHeader', 'jwksMaxAge', 'jwkCooldownSeconds', 'keyResolver',
  'statelessSecurityNames', 'securityProfiles', 'clock', 'authTokenClasses', 'scopeClaim', 'blacklistStore', 'verifiedTokenCache',
  'locale', 'acceptLanguage',
  'loginThrottle', 'refreshCookie',
  'logger',
  'familyStore', 'reuseDetection', 'reuseGraceSeconds', 'familyMaxLifetime', 'onReuseDetected',
]);

/**
 * Simple JWT setting names that were removed upstream (it refuses them too), by their lowercase
 * letters alone so `AUTH_TOKEN_CLASS` and `authTokenClass` both match: we name the replacement.
 */
const RENAMED: Readonly<Record<string, string>> = {
  authheadertype: 'authHeaderTypes',
  secretkey: 'signingKey',
  authtokenclass: 'authTokenClasses',
  // TOKEN_BACKEND_CLASS chose the backend; the algorithm and keys choose it here.
  tokenbackendclass: 'algorithm',
};

/**
 * Validates `options` once, fills Simple JWT's defaults and freezes the result. Every failure is a
 * {@link SettingsError} naming the option. Key material is checked by the backend, which owns it.
 *
 * @example
 * const settings = resolveSettings({ signingKey: process.env.SIGNING_KEY, rotateRefreshTokens: true });
 */
export function resolveSettings(options: SimpleJwtOptions): ResolvedSettings {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new SettingsError('options', 'expected an options object');
  }
  for (const name of Object.keys(options)) {
    if (KNOWN_OPTIONS.has(name)) continue;
    const hint = RENAMED[name.toLowerCase().replace(/_/g, '')] ?? closestOption(name);
    throw new SettingsError(name, `unknown option${hint ? `; did you mean "${hint}"?` : ''}`);
  }
  const o = options;
  const checkUserIsActive = bool(o, 'checkUserIsActive', DEFAULTS.checkUserIsActive);
  const algorithm = o.algorithm ?? DEFAULTS.algorithm;
  if (!(ALGORITHMS as readonly string[]).includes(algorithm)) {
    throw new SettingsError('algorithm', `Unrecognized algorithm type '${String(algorithm)}'; expected one of ${ALGORITHMS.join(', ')}`);
  }
  const noSigningKey = isEmpty(o.signingKey);
  const signingKeys = keySetOption(o, noSigningKey);
  const keyResolver = fn(o, 'keyResolver');
  if (noSigningKey && signingKeys === undefined && keyResolver === undefined && !mayOmitSigningKey(algorithm, o.verifyingKey, typeof o.jwkUrl === 'string' && o.jwkUrl !== '')) {
    throw new SettingsError('signingKey', SIGNING_KEY_REQUIRED);
  }
  const headerTypes = readAuthHeaderTypes(o.authHeaderTypes ?? DEFAULTS.authHeaderTypes);
  if (headerTypes === undefined) {
    throw new SettingsError('authHeaderTypes', 'expected a non-empty list of keywords without spaces, e.g. ["Bearer"]');
  }
  const classes = authTokenClasses(o.authTokenClasses);
  const settings: ResolvedSettings = {
    accessTokenLifetime: lifetime(o, 'accessTokenLifetime', DEFAULTS.accessTokenLifetime),
    refreshTokenLifetime: lifetime(o, 'refreshTokenLifetime', DEFAULTS.refreshTokenLifetime),
    rotateRefreshTokens: bool(o, 'rotateRefreshTokens', DEFAULTS.rotateRefreshTokens),
    blacklistAfterRotation: bool(o, 'blacklistAfterRotation', DEFAULTS.blacklistAfterRotation),
    updateLastLogin: bool(o, 'updateLastLogin', DEFAULTS.updateLastLogin),
    algorithm,
    signingKey: noSigningKey ? undefined : o.signingKey,
    verifyingKey: o.verifyingKey === '' ? undefined : o.verifyingKey,
    audience: audience(o.audience),
    issuer: optionalString(o, 'issuer'),
    jwkUrl: optionalString(o, 'jwkUrl'),
    jwkCacheSeconds: lifetime(o, 'jwkCacheSeconds', DEFAULTS.jwkCacheSeconds),
    jwkTimeoutMs: lifetime(o, 'jwkTimeoutMs', DEFAULTS.jwkTimeoutMs),
    leeway: leeway(o.leeway),
    signingKeys,
    kidHeader: o.kidHeader === undefined ? undefined : bool(o, 'kidHeader', false),
    jwksMaxAge: nonNegative(o, 'jwksMaxAge', DEFAULTS.jwksMaxAge),
    jwkCooldownSeconds: nonNegative(o, 'jwkCooldownSeconds', DEFAULTS.jwkCooldownSeconds),
    keyResolver,
    authHeaderTypes: Object.freeze([...headerTypes]),
    authHeaderName: headerName(o.authHeaderName ?? DEFAULTS.authHeaderName),
    userIdField: name(o, 'userIdField', DEFAULTS.userIdField),
    userIdClaim: name(o, 'userIdClaim', DEFAULTS.userIdClaim),
    userAuthenticationRule: fn(o, 'userAuthenticationRule') ?? ((user: AuthUser | null) => user !== null && (!checkUserIsActive || user.isActive)),
    tokenTypeClaim: o.tokenTypeClaim === null ? null : name(o, 'tokenTypeClaim', DEFAULTS.tokenTypeClaim),
    jtiClaim: o.jtiClaim === null ? null : name(o, 'jtiClaim', DEFAULTS.jtiClaim),
    slidingTokenRefreshExpClaim: name(o, 'slidingTokenRefreshExpClaim', DEFAULTS.slidingTokenRefreshExpClaim),
    slidingTokenLifetime: lifetime(o, 'slidingTokenLifetime', DEFAULTS.slidingTokenLifetime),
    slidingTokenRefreshLifetime: lifetime(o, 'slidingTokenRefreshLifetime', DEFAULTS.slidingTokenRefreshLifetime),
    checkRevokeToken: bool(o, 'checkRevokeToken', DEFAULTS.checkRevokeToken),
    revokeTokenClaim: name(o, 'revokeTokenClaim', DEFAULTS.revokeTokenClaim),
    checkUserIsActive,
    onLoginSuccess: fn(o, 'onLoginSuccess'),
    onLoginFailed: fn(o, 'onLoginFailed'),
    tokenClaims: fn(o, 'tokenClaims'),
    userStore: userStore(o.userStore),
    usernameField: usernameField(o.userStore),
    blacklistStore: blacklistStore(o.blacklistStore),
    authTokenClasses: classes,
    scopeClaim: name(o, 'scopeClaim', 'scope'),
    statelessSecurityNames: Object.freeze(stringList(o, 'statelessSecurityNames')),
    securityProfiles: securityProfiles(o.securityProfiles, classes),
    clock: o.clock ?? systemClock,
    verifiedTokenCache: verifiedTokenCache(o.verifiedTokenCache),
    locale: locale(o.locale),
    acceptLanguage: bool(o, 'acceptLanguage', false),
    loginThrottle: resolveLoginThrottle(o.loginThrottle),
    refreshCookie: resolveRefreshCookie(o.refreshCookie),
    logger: logger(o.logger),
    ...familySettings(o),
  };
  if (typeof settings.clock?.now !== 'function') throw new SettingsError('clock', 'expected an object with a now() method');
  // Simple JWT silently skips blacklisting when its app is not installed; we refuse to start.
  if (settings.blacklistAfterRotation && !settings.blacklistStore) {
    throw new SettingsError('blacklistStore', 'blacklistAfterRotation needs a blacklist store (e.g. new KnexBlacklistStore(knex)); without one nothing would be blacklisted');
  }
  if (settings.blacklistStore && settings.jtiClaim === null) {
    throw new SettingsError('jtiClaim', 'the blacklist identifies tokens by their id claim; it cannot be null with a blacklist store');
  }
  return Object.freeze(settings);
}

/** The families settings (issue 14); see {@link SimpleJwtOptions.familyStore}. */
function familySettings(o: SimpleJwtOptions): Pick<ResolvedSettings, 'familyStore' | 'reuseDetection' | 'reuseGraceSeconds' | 'familyMaxLifetime' | 'onReuseDetected'> {
  const store = o.familyStore;
  if (store !== undefined) {
    for (const method of ['startFamily', 'claimRotation', 'consumedToken', 'revokeFamily', 'revokedBefore']) {
      if (typeof (store as unknown as Record<string, unknown>)?.[method] !== 'function') throw new SettingsError('familyStore', `expected a FamilyStore; ${method}() is missing`);
    }
    // Revoking a family blacklists its tokens: without the blacklist nothing would be refused.
    if (o.blacklistStore === undefined) throw new SettingsError('familyStore', 'families need a blacklist store too (blacklistStore)');
  }
  const rotating = o.rotateRefreshTokens === true && o.blacklistAfterRotation === true;
  const reuseDetection = bool(o, 'reuseDetection', rotating && store !== undefined);
  if (reuseDetection && (!rotating || store === undefined)) {
    throw new SettingsError('reuseDetection', 'needs rotateRefreshTokens, blacklistAfterRotation and a familyStore');
  }
  const grace = o.reuseGraceSeconds ?? 10;
  if (typeof grace !== 'number' || !Number.isFinite(grace) || grace < 0) {
    throw new SettingsError('reuseGraceSeconds', `expected a number of seconds >= 0, got ${describe(grace)}`);
  }
  const familyMaxLifetime = o.familyMaxLifetime === undefined ? undefined : lifetime(o, 'familyMaxLifetime', 0);
  return { familyStore: store, reuseDetection, reuseGraceSeconds: grace, familyMaxLifetime, onReuseDetected: fn(o, 'onReuseDetected') };
}

function lifetime(o: SimpleJwtOptions, key: OptionName, fallback: number): number {
  const value = o[key] ?? fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new SettingsError(key, `expected a positive number of seconds, got ${describe(value)}`);
  }
  return value;
}

/**
 * `signingKeys`, checked for shape only (each key is validated by the backend, which names it).
 * It replaces `signingKey`/`verifyingKey`: both at once would leave unclear which one signs.
 */
function keySetOption(o: SimpleJwtOptions, noSigningKey: boolean): ResolvedSettings['signingKeys'] {
  if (o.signingKeys === undefined) return undefined;
  if (!Array.isArray(o.signingKeys) || o.signingKeys.length === 0) {
    throw new SettingsError('signingKeys', 'expected a non-empty list of keys (the first signs, all verify)');
  }
  if (!noSigningKey || !isEmpty(o.verifyingKey)) {
    throw new SettingsError('signingKeys', 'give either signingKeys or signingKey/verifyingKey, not both (a one-key set is signingKeys: [key])');
  }
  return Object.freeze([...o.signingKeys]);
}

function nonNegative(o: SimpleJwtOptions, key: OptionName, fallback: number): number {
  const value = o[key] ?? fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new SettingsError(key, `expected a number of seconds >= 0, got ${describe(value)}`);
  }
  return value;
}

function leeway(value: unknown): number {
  if (value === undefined) return DEFAULTS.leeway;
  // Simple JWT only notices a bad LEEWAY when a token is checked (a 500); we refuse it at startup.
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new SettingsError('leeway', `expected a number of seconds >= 0, got ${describe(value)}`);
  }
  return value;
}

/** The configured language in Django's form, one we have messages for (exactly: no guessing at startup). */
function locale(value: unknown): string {
  if (value === undefined) return 'en';
  const code = typeof value === 'string' ? value.toLowerCase().replace(/_/g, '-') : undefined;
  if (code === undefined || !LANGUAGES.includes(code)) {
    throw new SettingsError('locale', `expected one of ${LANGUAGES.join(', ')}; got ${describe(value)}`);
  }
  return code;
}

function bool(o: SimpleJwtOptions, key: OptionName, fallback: boolean): boolean {
  const value = o[key] ?? fallback;
  if (typeof value !== 'boolean') throw new SettingsError(key, `expected true or false, got ${describe(value)}`);
  return value;
}

function name(o: SimpleJwtOptions, key: OptionName, fallback: string): string {
  const value = o[key] ?? fallback;
  if (typeof value !== 'string' || value.trim() === '') throw new SettingsError(key, `expected a non-empty string, got ${describe(value)}`);
  return value;
}

function optionalString(o: SimpleJwtOptions, key: OptionName): string | undefined {
  const value = o[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value === '') throw new SettingsError(key, `expected a non-empty string, got ${describe(value)}`);
  return value;
}

function fn<K extends OptionName>(o: SimpleJwtOptions, key: K): SimpleJwtOptions[K] {
  const value = o[key];
  if (value !== undefined && typeof value !== 'function') throw new SettingsError(key, `expected a function, got ${describe(value)}`);
  return value;
}

function stringList(o: SimpleJwtOptions, key: OptionName): string[] {
  const value = o[key] ?? [];
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string' && v !== '')) {
    throw new SettingsError(key, 'expected a list of non-empty strings');
  }
  return [...(value as string[])];
}

function authTokenClasses(value: unknown): ResolvedSettings['authTokenClasses'] {
  if (value === undefined) return Object.freeze({ jwt: Object.freeze([AccessToken]) });
  if (value === null || typeof value !== 'object' || Array.isArray(value) || Object.keys(value).length === 0) {
    throw new SettingsError('authTokenClasses', 'expected an object mapping security names to token classes, e.g. { jwt: [AccessToken] }');
  }
  const result: Record<string, readonly TokenClass[]> = {};
  for (const [securityName, classes] of Object.entries(value as Record<string, unknown>)) {
    if (!Array.isArray(classes) || classes.length === 0) {
      throw new SettingsError('authTokenClasses', `"${securityName}" needs a non-empty list of token classes`);
    }
    for (const cls of classes) {
      if (typeof cls !== 'function' || !(cls.prototype instanceof Token) || typeof cls.tokenType !== 'string' || !cls.tokenType) {
        throw new SettingsError('authTokenClasses', `"${securityName}" lists something that is not a token class`);
      }
      // Simple JWT would let a refresh token authenticate if configured so; a refresh token
      // must never open an API route, so this is refused outright.
      if (cls === RefreshToken || cls.prototype instanceof RefreshToken || cls.tokenType === RefreshToken.tokenType) {
        throw new SettingsError('authTokenClasses', `"${securityName}" lists a refresh token class; refresh tokens never authenticate requests`);
      }
    }
    result[securityName] = Object.freeze([...(classes as TokenClass[])]);
  }
  return Object.freeze(result);
}

/** Each listed name must be a configured security name, mapped to a known profile. */
function securityProfiles(value: unknown, names: ResolvedSettings['authTokenClasses']): ResolvedSettings['securityProfiles'] {
  if (value === undefined) return Object.freeze({});
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new SettingsError('securityProfiles', 'expected an object mapping security names to "simple-jwt" or "ninja-jwt"');
  }
  const result: Record<string, WireProfile> = {};
  for (const [securityName, profile] of Object.entries(value as Record<string, unknown>)) {
    if (!Object.hasOwn(names, securityName)) {
      throw new SettingsError('securityProfiles', `"${securityName}" is not a security name of authTokenClasses (known: ${Object.keys(names).join(', ')})`);
    }
    if (profile !== 'simple-jwt' && profile !== 'ninja-jwt') {
      throw new SettingsError('securityProfiles', `"${securityName}" maps to ${describe(profile)}; expected "simple-jwt" or "ninja-jwt"`);
    }
    result[securityName] = profile;
  }
  return Object.freeze(result);
}

function audience(value: unknown): string | readonly string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string' && value !== '') return value;
  if (Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string' && v !== '')) return Object.freeze([...value]);
  throw new SettingsError('audience', 'expected a non-empty string or a non-empty list of strings');
}

function userStore(value: unknown): ResolvedSettings['userStore'] {
  if (value === undefined) return undefined;
  const store = value as Record<string, unknown>;
  for (const method of ['authenticate', 'findUser', 'updateLastLogin']) {
    if (typeof store?.[method] !== 'function') throw new SettingsError('userStore', `expected a UserStore; ${method}() is missing`);
  }
  return value as ResolvedSettings['userStore'];
}

function usernameField(store: SimpleJwtOptions['userStore']): string {
  const field = store?.usernameField ?? 'username';
  if (typeof field !== 'string' || field.trim() === '' || field === 'password') {
    throw new SettingsError('userStore', `usernameField must be a non-empty string other than "password", got ${describe(field)}`);
  }
  return field;
}

function verifiedTokenCache(value: unknown): ResolvedSettings['verifiedTokenCache'] {
  if (value === false) return false;
  if (value === undefined) return Object.freeze({ maxEntries: 10_000 });
  const maxEntries = (value as { maxEntries?: unknown } | null)?.maxEntries ?? 10_000;
  if (typeof value !== 'object' || value === null || !Number.isInteger(maxEntries) || (maxEntries as number) < 1) {
    throw new SettingsError('verifiedTokenCache', 'expected false or { maxEntries: <positive integer> }');
  }
  return Object.freeze({ maxEntries: maxEntries as number });
}

function blacklistStore(value: unknown): ResolvedSettings['blacklistStore'] {
  if (value === undefined) return undefined;
  const store = value as Record<string, unknown>;
  for (const method of ['outstand', 'blacklist', 'rotate', 'isBlacklisted']) {
    if (typeof store?.[method] !== 'function') throw new SettingsError('blacklistStore', `expected a BlacklistStore; ${method}() is missing`);
  }
  return value as ResolvedSettings['blacklistStore'];
}

/**
 * Accepts an HTTP header name (`X-Access-Token`) or Django's META key (`HTTP_X_ACCESS_TOKEN`) and
 * returns the lower-case name Node uses for `req.headers`.
 */
function headerName(value: unknown): string {
  const name = readAuthHeaderName(value);
  if (name === undefined) {
    throw new SettingsError('authHeaderName', `expected a header name such as "Authorization", got ${describe(value)}`);
  }
  return name.toLowerCase();
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'function') return 'a function';
  return String(value);
}

function closestOption(input: string): string | undefined {
  const lower = input.toLowerCase().replace(/_/g, '');
  for (const known of KNOWN_OPTIONS) if (known.toLowerCase() === lower) return known;
  return undefined;
}

function logger(value: unknown): ResolvedSettings['logger'] {
  if (value === undefined) return console;
  if (typeof (value as { warn?: unknown } | null)?.warn !== 'function') throw new SettingsError('logger', 'expected an object with a warn(message) method');
  return value as ResolvedSettings['logger'];
}
