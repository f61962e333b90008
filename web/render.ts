/**
 * Puts a {@link ResultView} and the progress of a run on the page. Every string that comes from
 * the input is set with textContent, never as HTML: a bundle is untrusted data until verified,
 * and its contents stay data afterwards.
 */
import type { ResultView } from './result-view.js';
import type { InputError } from './verify-input.js';

/** Looks up an element the page is known to have; a missing one is a bug in index.html. */
export function byId<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (!found) throw new Error(`index.html has no #${id}`);
  return found as T;
}

const ERROR_ELEMENT: Record<InputError['field'], { error: string; control: string }> = {
  file: { error: 'file-error', control: 'bundle-file' },
  key: { error: 'key-error', control: 'verifier-key' },
  fiscalYearStart: { error: 'fiscal-error', control: 'fiscal-year-start' },
  policy: { error: 'policy-error', control: 'witness-policy' },
};

export function clearInputErrors(): void {
  for (const { error, control } of Object.values(ERROR_ELEMENT)) {
    byId(error).textContent = '';
    byId(control).removeAttribute('aria-invalid');
  }
}

/** Shows why an input was refused next to it, and moves focus there. */
export function showInputError(field: InputError['field'], message: string): void {
  const { error, control } = ERROR_ELEMENT[field];
  byId(error).textContent = message;
  const input = byId(control);
  input.setAttribute('aria-invalid', 'true');
  input.focus();
}

const MIB = 1024 * 1024;

/** Bytes of the file verified so far. */
export function showProgress(doneBytes: number, totalBytes: number): void {
  const bar = byId<HTMLProgressElement>('progress');
  bar.max = Math.max(totalBytes, 1);
  bar.value = doneBytes;
  bar.textContent = `${(doneBytes / MIB).toFixed(1)} of ${(totalBytes / MIB).toFixed(1)} MiB`;
}

/** Shows or hides the progress bar and marks the result as busy while a run is under way. */
export function setBusy(busy: boolean): void {
  byId('progress-box').hidden = !busy;
  byId<HTMLButtonElement>('verify-button').disabled = busy;
  byId('result').setAttribute('aria-busy', String(busy));
  if (busy) {
    byId('result').hidden = true;
    showProgress(0, 1);
  }
}

export function showResult(view: ResultView, elapsedMs: number): void {
  const result = byId('result');
  result.className = view.ok ? 'ok' : 'bad';
  result.dataset.ok = String(view.ok);
  result.dataset.elapsedMs = elapsedMs.toFixed(1);
  const verdict = byId('verdict');
  verdict.textContent = `${view.ok ? '✓' : '✗'} ${view.heading}`;
  byId('timing').textContent = `Checked in this browser in ${(elapsedMs / 1000).toFixed(2)} s.`;

  const list = byId<HTMLUListElement>('findings');
  list.replaceChildren(...view.findings.flatMap((f) => f.problems.map((p) => findingItem(f.subject, p.code, p.message))));
  if (view.unlisted > 0) {
    const more = document.createElement('li');
    more.textContent = `… and ${view.unlisted} more failed entries: see the full report below.`;
    list.append(more);
  }
  list.hidden = list.childElementCount === 0;

  byId('summary').textContent = view.summary;
  byId('transcript-box').hidden = view.summary === view.transcript;
  byId('transcript').textContent = view.transcript;
  byId('report-json').textContent = view.json;
  result.hidden = false;
  verdict.focus();
}

function findingItem(subject: string, code: string, message: string): HTMLLIElement {
  const item = document.createElement('li');
  const codeEl = document.createElement('code');
  codeEl.textContent = code;
  item.append(`${subject}: `, codeEl, `: ${message}`);
  return item;
}

/** Saves `text` as a file through a local blob URL (no network). */
export function saveText(fileName: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
