/**
 * Imported for its effect by support/ledger.ts: every answer supertest receives from a described
 * app (openTestLedger's, see describedHandlers) is checked against the OpenAPI document, and a
 * mismatch fails the request as a failed `.expect` would, so the document cannot drift from the
 * API tests. (Not a vitest setup file: only the test files that make ledgers pay for loading it.)
 */
import type { Server } from 'node:http';
import Test from 'supertest/lib/test.js';
import { answerMismatch, describedHandlers } from './openapi-check.js';

type AssertFn = (this: any, resError: unknown, res: any, fn?: (err: unknown, res: unknown) => void) => void;

const proto = (Test as unknown as { prototype: { assert: AssertFn; __openapiChecked?: boolean } }).prototype;
if (!proto.__openapiChecked) {
  proto.__openapiChecked = true;
  const original = proto.assert;
  proto.assert = function (this: { app: unknown; method: string; url: string }, resError, res, fn) {
    const server = this.app as Server | undefined;
    const handler = typeof server?.listeners === 'function' ? server.listeners('request')[0] : undefined;
    if (res && handler && describedHandlers.has(handler)) {
      const mismatch = answerMismatch(this.method, this.url, { status: res.status, headers: res.headers, body: res.body, text: res.text });
      if (mismatch) {
        const err = new Error(`answer breaks the OpenAPI document: ${mismatch}`);
        return fn?.call(this, err, res);
      }
    }
    return original.call(this, resError, res, fn);
  };
}
