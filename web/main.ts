/**
 * The auditor's in-browser verifier: wires the page's form to {@link verifyInput}. Everything
 * runs here, on @noble (pure JS), with no network: the page's Content-Security-Policy
 * (`connect-src 'none'`, set by vite.web.config.ts) would refuse any request anyway.
 */
import { nobleCrypto } from '../src/crypto/noble.js';
import { describeOutcome, type ResultView } from './result-view.js';
import { blobChunks, browserPacing, InputError, verifyInput } from './verify-input.js';
import { byId, clearInputErrors, saveText, setBusy, showInputError, showProgress, showResult } from './render.js';

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

const form = byId<HTMLFormElement>('verify-form');
const fileInput = byId<HTMLInputElement>('bundle-file');
const keyInput = byId<HTMLInputElement>('verifier-key');
const fiscalSelect = byId<HTMLSelectElement>('fiscal-year-start');
const policyInput = byId<HTMLTextAreaElement>('witness-policy');
const dropZone = byId('drop-zone');

let lastView: ResultView | null = null;

for (const [i, name] of MONTHS.entries()) fiscalSelect.add(new Option(`${i + 1} (${name})`, String(i + 1)));

async function run(): Promise<void> {
  clearInputErrors();
  const file = fileInput.files?.[0];
  if (!file) {
    showInputError('file', 'choose the bundle file first');
    return;
  }
  setBusy(true);
  try {
    const started = performance.now();
    const outcome = await verifyInput(
      nobleCrypto,
      {
        chunks: blobChunks(file),
        totalBytes: file.size,
        key: keyInput.value,
        policy: policyInput.value,
        fiscalYearStart: fiscalSelect.value === '' ? undefined : Number(fiscalSelect.value),
        onProgress: showProgress,
      },
      browserPacing(),
    );
    const elapsedMs = performance.now() - started;
    lastView = describeOutcome(outcome);
    setBusy(false);
    showResult(lastView, elapsedMs);
  } catch (err) {
    setBusy(false);
    if (err instanceof InputError) showInputError(err.field, err.message);
    else showInputError('file', `could not verify: ${err instanceof Error ? err.message : String(err)}`);
  }
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  void run();
});

byId('save-report').addEventListener('click', () => {
  if (lastView) saveText(lastView.reportFileName, lastView.json);
});

// A file dropped outside the box must not make the browser navigate away from the page.
for (const type of ['dragover', 'drop'] as const) window.addEventListener(type, (event) => event.preventDefault());

dropZone.addEventListener('dragover', (event) => {
  event.preventDefault();
  dropZone.classList.add('dragging');
});
dropZone.addEventListener('dragleave', () => dropZone.classList.remove('dragging'));
dropZone.addEventListener('drop', (event) => {
  event.preventDefault();
  dropZone.classList.remove('dragging');
  const files = event.dataTransfer?.files;
  if (files && files.length > 0) {
    fileInput.files = files;
    clearInputErrors();
    if (keyInput.value.trim() !== '' || policyInput.value.trim() !== '') void run();
    else keyInput.focus();
  }
});
