/** GET /openapi.json (public): the OpenAPI 3.1 document of this API (openapi/document.ts). */
import { Router } from 'express';
import { openApiDocument } from '../openapi/document.js';
import { onlyQuery } from '../query.js';

export function openApiRoutes(): Router {
  const r = Router();
  let text: string | undefined;
  r.get('/openapi.json', onlyQuery(), (_req, res) => {
    text ??= JSON.stringify(openApiDocument());
    res.set('Cache-Control', 'no-cache').type('application/json; charset=utf-8').send(text);
  });
  return r;
}
