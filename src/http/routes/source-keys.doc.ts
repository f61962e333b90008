/** OpenAPI description of source-keys.ts (see openapi/route-doc.ts). */
import { z } from 'zod';
import type { RouteDoc } from '../openapi/route-doc.js';
import { keyRequest } from './source-keys.js';

export const sourceKeyDocs: RouteDoc[] = [
  {
    method: 'post',
    path: '/v1/source-keys',
    summary: "Register (or replace) a source's Ed25519 key: its records must be signed (Evidence-Signature) from the next entry on",
    tags: ['tokens'],
    access: ['admin'],
    body: { description: '{source, publicKey}: publicKey is the standard base64 of the raw 32-byte Ed25519 public key.', schema: keyRequest },
    answers: {
      201: {
        description: 'Registered; the registration is itself the entry at `index`.',
        json: z.strictObject({ source: z.string(), publicKey: z.string(), algorithm: z.literal('ed25519'), index: z.int().min(0) }),
      },
    },
    problems: [400, 503],
  },
];
