import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import Koa from 'koa';
import { createErrorMiddleware } from '../../src/koa/error-middleware.js';
import type { ErrorScope } from '../../src/koa/error-middleware.js';
import { AuthenticationError, InternalError, MethodNotAllowedError, ServiceUnavailableError } from '../../src/errors.js';
import { serve } from '../support/http.js';
import type { TestResponse } from '../support/http.js';

const SERVER_ERROR = { detail: 'A server error occurred.', code: 'server_error' };

/** One request to an app whose only route throws `thrown` behind createErrorMiddleware(headerType, scope). */
async function answerTo(thrown: unknown, headerType = 'Bearer', scope: ErrorScope = 'all'): Promise<{ response: TestResponse; reported: unknown[] }> {
  const app = new Koa();
  app.silent = true;
  const reported: unknown[] = [];
  app.on('error', (error: unknown) => reported.push(error));
  app.use(createErrorMiddleware(headerType, scope));
  app.use(() => {
    throw thrown;
  });
  const server = await serve(app);
  try {
    return { response: await server.request('/'), reported };
  } finally {
    await server.close();
  }
}

describe("createErrorMiddleware(headerType, 'all')", () => {
  test('renders a plain error as the generic 500: nothing of its message or stack, the error itself on the app\'s error event', async () => {
    const bug = new TypeError('Cannot read properties of undefined (reading "secret-field")');
    const { response, reported } = await answerTo(bug);
    assert.equal(response.status, 500);
    assert.deepEqual(response.body, SERVER_ERROR);
    assert.doesNotMatch(response.text, /secret-field|TypeError|at /);
    assert.equal(response.headers.get('www-authenticate'), null);
    assert.deepEqual(reported, [bug]);
  });

  test('renders a 503 with its generic body and reports its cause, not the wrapper', async () => {
    const cause = new Error('connect ECONNREFUSED 127.0.0.1:5432');
    const { response, reported } = await answerTo(new ServiceUnavailableError(cause));
    assert.equal(response.status, 503);
    assert.deepEqual(response.body, { detail: 'Service temporarily unavailable, try again later.', code: 'service_unavailable' });
    assert.doesNotMatch(response.text, /ECONNREFUSED/);
    assert.deepEqual(reported, [cause]);
  });

  test('renders a 401 with its body and the challenge of the first header type; reports nothing', async () => {
    const { response, reported } = await answerTo(new AuthenticationError('token_not_valid', 'Token is invalid'), 'JWT');
    assert.equal(response.status, 401);
    assert.deepEqual(response.body, { detail: 'Token is invalid', code: 'token_not_valid' });
    assert.equal(response.headers.get('www-authenticate'), 'JWT realm="api"');
    assert.deepEqual(reported, []);
  });

  test('sends the error\'s own headers, and no challenge on other statuses', async () => {
    const { response } = await answerTo(new MethodNotAllowedError('GET', ['POST', 'OPTIONS']));
    assert.equal(response.status, 405);
    assert.deepEqual(response.body, { detail: 'Method "GET" not allowed.' });
    assert.equal(response.headers.get('allow'), 'POST, OPTIONS');
    assert.equal(response.headers.get('www-authenticate'), null);
  });
});

describe("createErrorMiddleware(headerType, 'owned')", () => {
  test('renders our coded errors, the 500 with its generic body', async () => {
    const { response } = await answerTo(new InternalError(new Error('secret-detail')), 'Bearer', 'owned');
    assert.equal(response.status, 500);
    assert.deepEqual(response.body, SERVER_ERROR);
    assert.doesNotMatch(response.text, /secret-detail/);
    const unauthorized = await answerTo(new AuthenticationError('token_not_valid', 'Token is invalid'), 'Bearer', 'owned');
    assert.equal(unauthorized.response.headers.get('www-authenticate'), 'Bearer realm="api"');
  });

  test('rethrows any other error untouched, for the app\'s handler (here Koa\'s own)', async () => {
    const bug = new Error('secret-detail');
    const { response, reported } = await answerTo(bug, 'Bearer', 'owned');
    assert.equal(response.status, 500);
    assert.equal(response.text, 'Internal Server Error');
    assert.deepEqual(reported, [bug]);
  });
});
