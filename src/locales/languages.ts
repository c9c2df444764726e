import { SIMPLE_JWT_CATALOGUES } from './simple-jwt-catalogues.js';

/**
 * Languages as Django names them (`fr`, `es-ar`, `zh-hans`), the catalogue each uses, and the
 * choice Django's LocaleMiddleware makes from an `Accept-Language` header.
 */

/** Django's `to_language`: `es_AR` → `es-ar`, `zh_Hans` → `zh-hans`. */
function toLanguage(locale: string): string {
  return locale.toLowerCase().replace('_', '-');
}

/**
 * Languages of which Simple JWT ships only a regional catalogue (`it_IT`), used for the language
 * itself too (`it`). Django would only find them when a project lists `it-it` in LANGUAGES; Brazilian
 * Portuguese is not offered for `pt` (a Portuguese client would get it for European Portuguese).
 */
const REGIONAL_ONLY = ['he_IL', 'id_ID', 'it_IT', 'ko_KR', 'nl_NL', 'pl_PL', 'ru_RU', 'uk_UA'];

/** Language code → gettext locale of its catalogue (`undefined` for English: the msgids). */
const CATALOGUE_OF: ReadonlyMap<string, string | undefined> = new Map<string, string | undefined>([
  ['en', undefined],
  ...Object.keys(SIMPLE_JWT_CATALOGUES).map((locale): [string, string] => [toLanguage(locale), locale]),
  ...REGIONAL_ONLY.map((locale): [string, string] => [toLanguage(locale.split('_')[0] ?? locale), locale]),
]);

/** Every language code a response can be in, sorted (Django's LANGUAGES order is alphabetical too). */
export const LANGUAGES: readonly string[] = Object.freeze([...CATALOGUE_OF.keys()].sort());

/** Django's LANG_INFO fallbacks for Chinese (the only ones that reach a catalogue we have). */
const FALLBACKS: Readonly<Record<string, readonly string[]>> = { 'zh-cn': ['zh-hans'], 'zh-my': ['zh-hans'], 'zh-sg': ['zh-hans'] };

/**
 * Django's `get_supported_language_variant` (not strict): the code itself, its LANG_INFO
 * fallbacks, its shorter prefixes (`es-ar-x` → `es-ar` → `es`), then any supported variant of
 * the generic language (`pt` → `pt-br`). Undefined when none is supported.
 *
 * @example
 * supportedLanguage('es-mx') // 'es'
 * supportedLanguage('pt')    // 'pt-br'
 */
export function supportedLanguage(code: string): string | undefined {
  const lower = code.toLowerCase().replace(/_/g, '-');
  const possible = [lower, ...(FALLBACKS[lower] ?? [])];
  for (let i = lower.lastIndexOf('-'); i > 0; i = lower.lastIndexOf('-', i - 1)) possible.push(lower.slice(0, i));
  const found = possible.find((candidate) => CATALOGUE_OF.has(candidate));
  if (found !== undefined) return found;
  const generic = possible[possible.length - 1] ?? lower;
  return LANGUAGES.find((supported) => supported.startsWith(`${generic}-`));
}

/** The gettext locale of `language`'s catalogue (a code from {@link LANGUAGES}), if it has one. */
export function catalogueOf(language: string): Readonly<Record<string, string>> | undefined {
  const locale = CATALOGUE_OF.get(language);
  return locale === undefined ? undefined : SIMPLE_JWT_CATALOGUES[locale];
}

/** Django's ACCEPT_LANGUAGE_HEADER_MAX_LENGTH: a longer header is cut at its last comma before it. */
const MAX_HEADER_LENGTH = 500;
const ACCEPT_LANGUAGE = /([A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*|\*)(?:\s*;\s*q=(0(?:\.[0-9]{0,3})?|1(?:\.0{0,3})?))?(?:\s*,\s*|$)/;
const LANGUAGE_CODE = /^[a-z]{1,8}(?:-[a-z0-9]{1,8})*(?:@[a-z0-9]{1,20})?$/i;

/**
 * Django's `parse_accept_lang_header`: `(language, q)` pairs, highest q first (ties keep their
 * order); an empty list for a malformed header.
 */
export function parseAcceptLanguage(header: string): [string, number][] {
  let value = header;
  if (value.length > MAX_HEADER_LENGTH) {
    const cut = value.lastIndexOf(',', MAX_HEADER_LENGTH);
    value = cut > 0 ? value.slice(0, cut) : '';
  }
  const pieces = value.toLowerCase().split(new RegExp(ACCEPT_LANGUAGE.source, 'g'));
  if (pieces[pieces.length - 1]) return [];
  const result: [string, number][] = [];
  for (let i = 0; i + 3 < pieces.length; i += 3) {
    const [first, language, priority] = [pieces[i], pieces[i + 1], pieces[i + 2]];
    if (first) return [];
    result.push([language ?? '', priority ? Number(priority) : 1]);
  }
  return result.sort((a, b) => b[1] - a[1]);
}

/**
 * The language Django's LocaleMiddleware activates for an `Accept-Language` header: the first
 * acceptable entry (by q) with a supported variant, stopping at `*`; otherwise `fallback` (the
 * configured locale).
 *
 * @example
 * negotiateLanguage('de-CH, fr;q=0.8', 'en') // 'de'
 * negotiateLanguage('ja', 'en')              // 'en'
 */
export function negotiateLanguage(header: string | undefined, fallback: string): string {
  for (const [language] of parseAcceptLanguage(header ?? '')) {
    if (language === '*') break;
    if (!LANGUAGE_CODE.test(language)) continue;
    const supported = supportedLanguage(language);
    if (supported !== undefined) return supported;
  }
  return fallback;
}
