// The one line a tsoa project needs to protect its controllers with koa-simple-jwt:
// name this file in tsoa.json's "authenticationModule". In your project, import from 'koa-simple-jwt'.
export { koaAuthentication } from '../../src/index.js';
