/** OpenAPI descriptions of reports.ts (see openapi/route-doc.ts). */
import { z } from 'zod';
import { MAX_CONTROL_ID_LENGTH } from '../../evidence/index.js';
import { MAX_SAMPLE_SIZE } from '../../reports/index.js';
import { filterParam, indexParam, type RouteDoc } from '../openapi/route-doc.js';
import { ControlReport, MonitorView, ReportSummary, Sample } from '../openapi/shapes.js';

const periodId = z
  .string()
  .min(1)
  .meta({ description: 'A period id: 2026-09-14, 2026-09, 2026-Q3 or 2026 (fiscal).', examples: ['2026-09-14', '2026-09', '2026-Q3', '2026'] });

export const reportDocs: RouteDoc[] = [
  {
    method: 'get',
    path: '/v1/reports/{period}',
    summary: "A control's report for a period, or one summary row per control (provisional while the period is open)",
    description: 'Contract, "Control reports (version 1)". With controlId: that control\'s report; without: the summary of every control.',
    tags: ['reports'],
    access: ['auditor'],
    params: z.object({ period: periodId }),
    query: z.object({ controlId: filterParam('Exact controlId: answer that control\'s report.', MAX_CONTROL_ID_LENGTH).optional() }),
    answers: {
      200: {
        description: "The control's report (with controlId), or the summary of every control.",
        json: z.union([ControlReport, ReportSummary]),
      },
    },
    problems: [400, 404, 409, 503],
  },
  {
    method: 'get',
    path: '/v1/samples',
    summary: 'A verifiable sample of a closed period',
    tags: ['reports'],
    access: ['auditor'],
    query: z.object({
      period: filterParam('A period id.', 64),
      controlId: filterParam('Exact controlId.', MAX_CONTROL_ID_LENGTH),
      size: indexParam('How many entries to draw.', 1).max(MAX_SAMPLE_SIZE),
      nonce: z.string().regex(/^[\x21-\x7e]{1,128}$/).meta({ description: '1 to 128 printable ASCII characters (U+0021 to U+007E), chosen by the auditor.' }),
    }),
    answers: { 200: { description: 'The sample.', json: Sample } },
    problems: [400, 404, 409, 503],
  },
  {
    method: 'get',
    path: '/v1/monitor',
    summary: 'What is overdue now for a control, with the entries behind each item',
    tags: ['reports'],
    access: ['auditor'],
    query: z.object({ controlId: filterParam('Exact controlId.', MAX_CONTROL_ID_LENGTH) }),
    answers: { 200: { description: 'The overdue items.', json: MonitorView } },
    problems: [400, 503],
  },
];
