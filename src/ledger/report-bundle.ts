/**
 * Report bundles: `GET /v1/bundles?period=&controlId=` (and nothing else) carries what the
 * control's report needs and the report itself: the whole history of the control up to the
 * anchor (entries from index 0), the definition in force proved on its own, and the heads of
 * the anchor's control-heads tree that prove the history complete (docs/completeness.md).
 */
import type { Crypto } from '../crypto/types.js';
import { nodeCrypto } from '../crypto/node.js';
import { completenessProof } from '../reports/index.js';
import type { BundleQuery } from '../verify/bundle-format.js';
import { bundleEntry, CachingNodeReader } from './bundle-entries.js';
import type { BundlePlan } from './bundle.js';
import { controlHeadsAt } from './control-heads.js';
import type { Ledger } from './ledger.js';
import { ReportService } from './reports.js';

/** A period and a control, no other filter: the query of a report bundle. */
export function isReportQuery(query: BundleQuery): query is BundleQuery & { period: string; controlId: string } {
  return query.period !== undefined && query.controlId !== undefined && query.system === undefined && query.actor === undefined && query.subject === undefined;
}

export async function withControlSection(ledger: Ledger, plan: BundlePlan, c: Crypto = nodeCrypto): Promise<BundlePlan> {
  const anchor = plan.periodAnchor;
  const controlId = plan.head.query.controlId;
  if (!anchor || controlId === undefined) return plan;
  const { report, definitionRow } = await new ReportService(ledger, c).report(anchor, controlId);
  const treeSize = anchor.checkpoint.treeSize;
  const heads = controlHeadsAt(c, ledger.store, treeSize).heads;
  const reader = new CachingNodeReader(ledger.store.log);
  const definition = definitionRow ? bundleEntry(c, definitionRow, treeSize, reader, plan.head.fiscalYearStart) : null;
  return {
    ...plan,
    from: 0,
    head: { ...plan.head, control: { definition, completeness: completenessProof(c, heads, controlId), report: { ...report } } },
  };
}
