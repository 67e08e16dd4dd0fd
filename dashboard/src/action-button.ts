/** Runs what a button asks for: the button is disabled until the call ends, and a failure is reported. */
import type { Report } from './error-area.js';

export async function runAction(button: HTMLButtonElement, doing: string, action: () => Promise<void>, report: Report): Promise<void> {
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  try {
    await action();
  } catch (error) {
    report(doing, error);
  } finally {
    button.disabled = false;
    button.removeAttribute('aria-busy');
  }
}

/** Keeps a <select>'s options equal to `values` (with a leading blank one if given), keeping the choice when it is still offered. */
export function syncOptions(select: HTMLSelectElement, values: readonly string[], blank?: string): void {
  const wanted = [...(blank === undefined ? [] : ['']), ...values];
  const current = [...select.options].map((option) => option.value);
  if (current.length === wanted.length && current.every((value, i) => value === wanted[i])) return;
  const chosen = select.value;
  select.replaceChildren(...wanted.map((value) => new Option(value === '' ? (blank ?? '') : value, value)));
  if (wanted.includes(chosen)) select.value = chosen;
}
