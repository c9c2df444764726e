import { ValidationError } from '../errors.js';

/**
 * DRF `CharField` rules for a token endpoint's body, with DRF's exact messages: every listed field
 * required, `null` refused, objects/arrays/booleans "Not a valid string.", numbers accepted as
 * their string form, surrounding whitespace trimmed with Python's `str.strip()` (the password too:
 * Simple JWT's `PasswordField` keeps `trim_whitespace=True`), blank refused, NUL and unpaired
 * surrogate characters refused. All failing fields are reported together, in the order given.
 * Unknown keys are dropped. `undefined` (no body at all) reads as `{}`; the JSON values `null` and
 * `""` are refused as DRF's serializer refuses them.
 *
 * @example
 * readFields({ username: ' alice ', password: 1234 }, ['username', 'password'])
 * // → { username: 'alice', password: '1234' }
 */
export function readFields<F extends string>(body: unknown, fields: readonly F[]): Record<F, string> {
  if (body === undefined) body = {};
  // DRF's Serializer.errors swaps its "This field may not be null." for this message.
  if (body === null) throw new ValidationError({ non_field_errors: ['No data provided'] });
  if (typeof body !== 'object' || Array.isArray(body)) {
    throw new ValidationError({ non_field_errors: [`Invalid data. Expected a dictionary, but got ${pythonTypeName(body)}.`] });
  }
  const source = body as Record<string, unknown>;
  const errors: Record<string, string[]> = {};
  const values = {} as Record<F, string>;
  for (const field of fields) {
    const result = charField(Object.prototype.hasOwnProperty.call(source, field), source[field]);
    if (typeof result === 'object') errors[field] = result.errors;
    else values[field] = result;
  }
  if (Object.keys(errors).length > 0) throw new ValidationError(errors);
  return values;
}

/**
 * One field, in the order of DRF's `CharField.run_validation`: required; blank (checked on the
 * stripped value, before the null check); null; `to_internal_value` (type, then strip); then the
 * validators `ProhibitNullCharactersValidator` and `ProhibitSurrogateCharactersValidator`, whose
 * errors DRF collects together.
 */
function charField(present: boolean, value: unknown): string | { errors: string[] } {
  if (!present || value === undefined) return { errors: ['This field is required.'] };
  if (typeof value === 'string' && pythonStrip(value) === '') return { errors: ['This field may not be blank.'] };
  if (value === null) return { errors: ['This field may not be null.'] };
  let text: string;
  if (typeof value === 'string') text = value;
  else if (typeof value === 'number' && Number.isFinite(value)) text = String(value);
  else return { errors: ['Not a valid string.'] };
  text = pythonStrip(text);
  const errors: string[] = [];
  if (text.includes('\0')) errors.push('Null characters are not allowed.');
  const surrogate = firstLoneSurrogate(text);
  if (surrogate !== undefined) {
    errors.push(`Surrogate characters are not allowed: U+${surrogate.toString(16).toUpperCase().padStart(4, '0')}.`);
  }
  return errors.length > 0 ? { errors } : text;
}

/**
 * The characters Python's `str.isspace()` accepts, which `str.strip()` removes. Unlike JavaScript's
 * `trim()` this includes U+001C–U+001F and U+0085, and excludes U+FEFF. All are one UTF-16 unit.
 */
const PYTHON_WHITESPACE = new Set(
  [0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x85, 0xa0, 0x1680,
    0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200a,
    0x2028, 0x2029, 0x202f, 0x205f, 0x3000],
);

/** Python's `str.strip()` with no argument (a scan, not a regex: `/\s+$/` is quadratic). */
function pythonStrip(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && PYTHON_WHITESPACE.has(text.charCodeAt(start))) start++;
  while (end > start && PYTHON_WHITESPACE.has(text.charCodeAt(end - 1))) end--;
  return text.slice(start, end);
}

/**
 * The first UTF-16 surrogate that is not half of a pair. Python's json module joins a valid pair
 * into one code point and keeps a lone surrogate as is, so only lone ones reach DRF's validator.
 */
function firstLoneSurrogate(text: string): number | undefined {
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0xd800 || unit > 0xdfff) continue;
    const next = text.charCodeAt(i + 1);
    if (unit <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
      i++;
      continue;
    }
    return unit;
  }
  return undefined;
}

/**
 * The Python type name DRF puts in "Expected a dictionary, but got <name>." A JSON number with a
 * fraction or exponent is a Python float even when its value is whole (`1.0`), but the parsed
 * value cannot show that: such bodies are reported as `int`.
 */
function pythonTypeName(value: unknown): string {
  if (Array.isArray(value)) return 'list';
  switch (typeof value) {
    case 'string': return 'str';
    case 'boolean': return 'bool';
    case 'number': return Number.isInteger(value) ? 'int' : 'float';
    default: return 'NoneType';
  }
}
