// The bench's tsoa authenticationModule (bench/tsoa.json), as in examples/demo/authentication.ts.
export { koaAuthentication } from '../src/index.js';
