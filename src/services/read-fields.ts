import { ValidationError } from '../errors.js';

/**
 * DRF `CharField` rules for a token endpoint's body, with DRF's exact messages: every listed field
 * required, `null` refused, objects/arrays/booleans "Not a valid string.", numbers accepted as
 * their string form, surrounding whitespace trimmed (the password too, as DRF does), blank
 * refused. All failing fields are reported together, in the order given. Unknown keys are dropped.
 *
 * @example
 * readFields({ username: ' alice ', password: 1234 }, ['username', 'password'])
 * // → { username: 'alice', password: '1234' }
 */
export function readFields<F extends string>(body: unknown, fields: readonly F[]): Record<F, string> {
  if (body === undefined || body === null || body === '') body = {};
  if (typeof body !== 'object' || Array.isArray(body)) {
    throw new ValidationError({ non_field_errors: [`Invalid data. Expected a dictionary, but got ${pythonTypeName(body)}.`] });
  }
  const source = body as Record<string, unknown>;
  const errors: Record<string, string[]> = {};
  const values = {} as Record<F, string>;
  for (const field of fields) {
    const result = charField(Object.prototype.hasOwnProperty.call(source, field), source[field]);
    if (typeof result === 'object') errors[field] = [result.error];
    else values[field] = result;
  }
  if (Object.keys(errors).length > 0) throw new ValidationError(errors);
  return values;
}

function charField(present: boolean, value: unknown): string | { error: string } {
  if (!present || value === undefined) return { error: 'This field is required.' };
  if (value === null) return { error: 'This field may not be null.' };
  let text: string;
  if (typeof value === 'string') text = value;
  else if (typeof value === 'number' && Number.isFinite(value)) text = String(value);
  else return { error: 'Not a valid string.' };
  text = text.trim();
  if (text === '') return { error: 'This field may not be blank.' };
  return text;
}

/** The Python type name DRF puts in "Expected a dictionary, but got <name>." */
function pythonTypeName(value: unknown): string {
  if (Array.isArray(value)) return 'list';
  switch (typeof value) {
    case 'string': return 'str';
    case 'boolean': return 'bool';
    case 'number': return Number.isInteger(value) ? 'int' : 'float';
    default: return 'NoneType';
  }
}
