// Type-level tests of the generated client: `npm test` type-checks this file (tsc over test/),
// and each `@ts-expect-error` fails the check if the line below it compiles. Never executed.
import type { SimpleJwtClient } from '../../sdk/client.js';

export async function misspelledFieldsDoNotCompile(client: SimpleJwtClient): Promise<void> {
  // @ts-expect-error `usernme` is not a field of TokenObtainPairRequest (and `username` is missing).
  await client.POST('/token', { body: { usernme: 'x', password: 'y' } });
  // @ts-expect-error `/token/refresh` takes `refresh`, not `token`.
  await client.POST('/token/refresh', { body: { token: 'x' } });
  // @ts-expect-error there is no `/tokens` path.
  await client.POST('/tokens', { body: { username: 'x', password: 'y' } });
  // @ts-expect-error the token routes answer POST only.
  await client.GET('/token');

  // The correct calls compile, and the 200 bodies are typed.
  const { data } = await client.POST('/token', { body: { username: 'x', password: 'y' } });
  const access: string | undefined = data?.access;
  // @ts-expect-error a pair has no `token` field.
  const token: string | undefined = data?.token;
  void access;
  void token;
}
