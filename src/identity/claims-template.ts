/**
 * The template that turns a verified token's claims into an entry's `source` (contract,
 * "Workload identity"): literal text with `{claim}` placeholders, e.g. `github:{repository}@{ref}`
 * or `spiffe:{sub}`. A placeholder names a claim by a dot-separated path into nested objects;
 * since claim names may contain dots themselves (Kubernetes' `kubernetes.io`), at each level the
 * longest run of segments that names a member is taken: `{kubernetes.io.serviceaccount.name}`.
 * Only string and integer claims fill a placeholder. Pure: no I/O.
 */

type Part = { text: string } | { claim: string[] };

export interface ClaimsTemplate {
  readonly text: string;
  readonly parts: readonly Part[];
}

const PLACEHOLDER = /\{([^{}]*)\}/g;
const CLAIM_PATH = /^[A-Za-z0-9_:$-]+(\.[A-Za-z0-9_:$-]+)*$/;

/** Parses a template; throws a TypeError whose message says what is wrong. */
export function parseClaimsTemplate(text: string): ClaimsTemplate {
  const parts: Part[] = [];
  let at = 0;
  for (const match of text.matchAll(PLACEHOLDER)) {
    if (match.index > at) parts.push({ text: text.slice(at, match.index) });
    const path = match[1]!;
    if (!CLAIM_PATH.test(path)) throw new TypeError(`placeholder {${path}} must name a claim such as {sub} or {kubernetes.io.namespace}`);
    parts.push({ claim: path.split('.') });
    at = match.index + match[0].length;
  }
  if (at < text.length) parts.push({ text: text.slice(at) });
  if (parts.some((p) => 'text' in p && /[{}]/.test(p.text))) throw new TypeError('has an unbalanced "{" or "}"');
  if (!parts.some((p) => 'claim' in p)) throw new TypeError('has no {claim} placeholder, so every token would get the same source');
  return { text, parts };
}

export type FillResult = { ok: true; source: string } | { ok: false; missing: string };

/** The template filled from `claims`, or the first claim it needs that is missing or not a string or integer. */
export function fillClaimsTemplate(template: ClaimsTemplate, claims: Record<string, unknown>): FillResult {
  let source = '';
  for (const part of template.parts) {
    if ('text' in part) {
      source += part.text;
      continue;
    }
    const value = claimAt(claims, part.claim);
    if (typeof value === 'string' && value.length > 0) source += value;
    else if (typeof value === 'number' && Number.isSafeInteger(value)) source += String(value);
    else return { ok: false, missing: part.claim.join('.') };
  }
  return { ok: true, source };
}

/** Placeholders the template reads, as written. */
export function templateClaims(template: ClaimsTemplate): string[] {
  return template.parts.flatMap((p) => ('claim' in p ? [p.claim.join('.')] : []));
}

function claimAt(value: unknown, segments: readonly string[]): unknown {
  if (segments.length === 0) return value;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  for (let take = segments.length; take >= 1; take--) {
    const name = segments.slice(0, take).join('.');
    if (Object.hasOwn(value, name)) {
      const found = claimAt((value as Record<string, unknown>)[name], segments.slice(take));
      if (found !== undefined) return found;
    }
  }
  return undefined;
}
