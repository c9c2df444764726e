/**
 * What DRF's `SimpleMetadata` answers to `OPTIONS` on a token view: the view's name and
 * docstring, the media types it renders and parses, and its POST serializer's fields. Wire
 * facts taken from Simple JWT's views and serializers (main branch).
 */

/** One field as `SimpleMetadata.get_field_info` describes it (CharFields without limits). */
export interface FieldMetadata {
  type: 'string';
  required: boolean;
  read_only: boolean;
  label: string;
}

/** The body of `OPTIONS` on a token view. */
export interface ViewMetadata {
  name: string;
  description: string;
  renders: string[];
  parses: string[];
  actions: { POST: Record<string, FieldMetadata> };
}

/**
 * The media types our token routes read. DRF also lists `multipart/form-data`; we do not parse
 * it (a multipart body gets a 415), so we do not claim it.
 */
const PARSES = ['application/json', 'application/x-www-form-urlencoded'];

interface ViewEntry {
  name: string;
  description: string;
  /** Field names in serializer order; `'<username>'` is the configured username field. */
  fields: readonly (readonly [name: string, kind: 'input' | 'output'])[];
}

const CREDENTIALS = [['<username>', 'input'], ['password', 'input']] as const;

/** Route path (without the mount prefix) → the DRF view serving it. */
const VIEWS: Readonly<Record<string, ViewEntry>> = {
  '/token': {
    name: 'Token Obtain Pair',
    description: 'Takes a set of user credentials and returns an access and refresh JSON web\ntoken pair to prove the authentication of those credentials.',
    fields: CREDENTIALS,
  },
  '/token/refresh': {
    name: 'Token Refresh',
    description: 'Takes a refresh type JSON web token and returns an access type JSON web\ntoken if the refresh token is valid.',
    fields: [['refresh', 'input'], ['access', 'output']],
  },
  '/token/verify': {
    name: 'Token Verify',
    description: "Takes a token and indicates if it is valid.  This view provides no\ninformation about a token's fitness for a particular use.",
    fields: [['token', 'input']],
  },
  '/token/blacklist': {
    name: 'Token Blacklist',
    description: 'Takes a token and blacklists it. Must be used with the\n`rest_framework_simplejwt.token_blacklist` app installed.',
    fields: [['refresh', 'input']],
  },
  '/token/sliding': {
    name: 'Token Obtain Sliding',
    description: 'Takes a set of user credentials and returns a sliding JSON web token to\nprove the authentication of those credentials.',
    fields: CREDENTIALS,
  },
  '/token/sliding/refresh': {
    name: 'Token Refresh Sliding',
    description: "Takes a sliding JSON web token and returns a new, refreshed version if the\ntoken's refresh period has not expired.",
    fields: [['token', 'input']],
  },
};

/** DRF's default label: the field name with `_` as spaces, first letter capitalised (Python's `capitalize`). */
function label(field: string): string {
  const words = field.replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1).toLowerCase();
}

/**
 * The `OPTIONS` body of the token view at `path` (as the router declares it, e.g.
 * `'/token/refresh'`), or undefined when no token view lives there.
 *
 * @example
 * tokenViewMetadata('/token', 'email')?.actions.POST.email?.label // 'Email'
 */
export function tokenViewMetadata(path: string, usernameField: string): ViewMetadata | undefined {
  const view = Object.hasOwn(VIEWS, path) ? VIEWS[path] : undefined;
  if (view === undefined) return undefined;
  const fields: Record<string, FieldMetadata> = {};
  for (const [declared, kind] of view.fields) {
    const name = declared === '<username>' ? usernameField : declared;
    fields[name] = { type: 'string', required: kind === 'input', read_only: kind === 'output', label: label(name) };
  }
  return { name: view.name, description: view.description, renders: ['application/json'], parses: [...PARSES], actions: { POST: fields } };
}
