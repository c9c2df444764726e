import { Token } from './token.js';

/**
 * A token of any type (what the verify endpoint decodes): `exp` and the id are still required,
 * the type is not checked. A fresh one has lifetime 0, so it is already expired.
 */
export class UntypedToken extends Token {
  static override readonly tokenType: string = 'untyped';
  static override lifetime(): number {
    return 0;
  }
  protected override verifyTokenType(): void {
    // Any type verifies: the verify endpoint answers for access, refresh and sliding tokens alike.
  }
}
