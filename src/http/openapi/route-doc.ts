/**
 * How a route module describes itself for the OpenAPI document: one RouteDoc per method and
 * path, written in a `<module>.doc.ts` file beside the route and listed in document.ts. A test
 * (test/http/openapi-coverage.test.ts) fails for any express route without one.
 */
import { z } from 'zod';
import type { Role } from '../tokens.js';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface AnswerDoc {
  description: string;
  /** A JSON body and its shape (use a shape registered in shapes.ts to get a named component). */
  json?: z.ZodType;
  /** Other bodies: media type -> description, e.g. `{ 'text/plain': 'a signed note' }`. */
  media?: Record<string, string>;
  /** Response headers this answer carries, name -> description. */
  headers?: Record<string, string>;
}

export interface RouteDoc {
  method: HttpMethod;
  /** OpenAPI form: `/v1/entries/{index}` (express's `:index`). */
  path: string;
  summary: string;
  description?: string;
  tags: string[];
  /** 'public', or the roles whose tokens are admitted (admin also acts as auditor, see auth.ts). */
  access: 'public' | readonly Role[];
  /** Path parameters, each member a parameter. */
  params?: z.ZodObject;
  /** Query parameters, each member a parameter. */
  query?: z.ZodObject;
  /** Request headers, name -> description (e.g. Idempotency-Key). */
  headers?: Record<string, { description: string; schema: z.ZodType }>;
  /** A JSON request body. */
  body?: { description: string; schema: z.ZodType };
  /** Success answers by status. Problem answers are listed in `problems`, documented as Problem. */
  answers: Record<number, AnswerDoc>;
  /**
   * Statuses answered with a problem document. 401 and 403 are added for non-public routes,
   * 413 and 415 for routes with a body; 400 must be listed where the route validates input.
   */
  problems: readonly number[];
}

/** A strict decimal integer as the routes parse it (params.ts): no sign, leading zeros or exponent. */
export const indexParam = (description: string, min = 0) =>
  z.int().min(min).max(Number.MAX_SAFE_INTEGER).meta({ description });

/** A filter string as the listings accept it. */
export const filterParam = (description: string, max = 256) => z.string().min(1).max(max).meta({ description });
