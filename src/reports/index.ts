/**
 * Control reports (contract, "Control reports (version 1)"): the rules, the report, verifiable
 * samples and the completeness proof of a control's history. Pure and browser-safe: shared by
 * the server, `ledger verify` and the browser page.
 */
export * from './types.js';
export { DAY_MS, HOUR_MS, instantMs } from './time.js';
export { ReportBuilder, ReportError, computeReport, type Definition } from './report-builder.js';
export { MAX_NONCE_LENGTH, MAX_SAMPLE_SIZE, SampleSelector, drawSample, isValidNonce, sampleSeed, type Sample, type SampleItem } from './sample.js';
export * from './control-heads.js';
export { MonitorBuilder, type MonitorItem, type MonitorRule } from './monitor.js';
export { reportTable, summaryTable } from './print.js';
