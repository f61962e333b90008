/**
 * The `actor` of the ledger's own access records when an admin acts through the API: the
 * admin token's source (who it was issued to) as a human, or the environment's admin token
 * (LEDGER_ADMIN_TOKEN, meant for automation) as a service account.
 */
import type { Identity } from '../evidence/index.js';
import { ENV_ADMIN_PRINCIPAL, type Principal } from './auth.js';

export function adminActor(principal: Principal): Identity {
  if (principal.tokenId === ENV_ADMIN_PRINCIPAL.tokenId) return { id: 'env-admin-token', kind: 'service_account' };
  return { id: principal.source, kind: 'human' };
}
