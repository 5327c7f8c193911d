/** How the page tells a person what happened: toasts, the busy bar, confirmation and note dialogs. */
import { ApiError } from '../api/client.ts';
import { localize, t } from '../i18n.ts';
import { h } from './dom.ts';

let toastRegion: HTMLElement | null = null;

function region(): HTMLElement {
  if (!toastRegion || !toastRegion.isConnected) {
    toastRegion = h('div', { class: 'toasts', role: 'status', 'aria-live': 'polite' });
    document.body.append(toastRegion);
  }
  return toastRegion;
}

export interface ToastOptions {
  kind?: 'info' | 'ok' | 'error' | 'warn';
  action?: { label: string; run: () => void };
  /** ms; errors stay until closed. */
  timeoutMs?: number;
}

export function toast(message: string, opts: ToastOptions = {}): () => void {
  const kind = opts.kind ?? 'info';
  const close = () => el.remove();
  const el = h(
    'div',
    { class: `toast toast-${kind}`, role: kind === 'error' ? 'alert' : null },
    h('span', { class: 'toast-text' }, message),
    opts.action
      ? h(
          'button',
          { type: 'button', class: 'btn btn-small', onclick: () => (close(), opts.action!.run()) },
          opts.action.label,
        )
      : null,
    h('button', { type: 'button', class: 'toast-close', 'aria-label': t('close'), onclick: close }, '×'),
  );
  region().append(el);
  const timeout = opts.timeoutMs ?? (kind === 'error' ? 0 : 4000);
  if (timeout) setTimeout(close, timeout);
  return close;
}

/** Shows an error in words a person can act on, with "retry" when retrying can help. */
export function showError(err: unknown, retry?: () => void): void {
  if ((err as Error)?.name === 'AbortError') return;
  if (err instanceof ApiError) {
    if (err.sessionExpired) return; // the session dialog handles it
    let text = localize(err.message);
    if (err.status === 0) text = t('offline');
    else if (err.status === 403 && err.code === 'forbidden') text = `${t('forbidden')} (${localize(err.message)})`;
    toast(text, { kind: 'error', action: retry && err.retryable ? { label: t('retry'), run: retry } : undefined });
    return;
  }
  toast(String((err as Error)?.message ?? err), { kind: 'error' });
}

let busyBar: HTMLElement | null = null;
let busyTimer: ReturnType<typeof setTimeout> | undefined;

/** The thin progress bar at the top: shown when requests take more than a moment. */
export function setBusy(busy: boolean): void {
  busyBar ??= document.getElementById('busy');
  clearTimeout(busyTimer);
  if (!busyBar) return;
  if (busy) busyTimer = setTimeout(() => busyBar?.classList.add('on'), 300);
  else busyBar.classList.remove('on');
}

/** Runs an action from a button: disables it, shows progress in it, reports errors. */
export async function withButton<T>(
  btn: HTMLButtonElement,
  busyLabel: string | null,
  run: () => Promise<T>,
): Promise<T | undefined> {
  const label = btn.textContent;
  btn.disabled = true;
  btn.setAttribute('aria-busy', 'true');
  if (busyLabel) btn.textContent = busyLabel;
  try {
    return await run();
  } catch (err) {
    showError(err, () => void withButton(btn, busyLabel, run));
    return undefined;
  } finally {
    btn.disabled = false;
    btn.removeAttribute('aria-busy');
    if (busyLabel) btn.textContent = label;
  }
}

/** A modal dialog; resolves with the note (or '' without a note field) when confirmed, null when cancelled. */
export function askConfirm(opts: {
  title: string;
  body?: string;
  confirmLabel?: string;
  danger?: boolean;
  note?: { label: string; required: boolean };
}): Promise<string | null> {
  return new Promise((resolve) => {
    const note = opts.note
      ? h('textarea', { rows: 3, required: opts.note.required, 'aria-label': opts.note.label })
      : null;
    const error = h('p', { class: 'form-error', role: 'alert' });
    const dialog = h(
      'dialog',
      { class: 'dialog', 'aria-labelledby': 'dialog-title' },
      h(
        'form',
        // Our own check says what is missing (the browser's bubble is easy to miss and not in the page's language).
        { method: 'dialog', novalidate: true },
        h('h2', { id: 'dialog-title' }, opts.title),
        opts.body ? h('p', {}, opts.body) : null,
        note ? h('label', { class: 'field' }, h('span', { class: 'field-label' }, opts.note!.label), note) : null,
        error,
        h(
          'div',
          { class: 'dialog-buttons' },
          h('button', { type: 'button', class: 'btn', value: 'cancel', onclick: () => finish(null) }, t('cancel')),
          h(
            'button',
            { type: 'submit', class: `btn ${opts.danger ? 'btn-danger' : 'btn-primary'}`, value: 'ok' },
            opts.confirmLabel ?? t('confirm'),
          ),
        ),
      ),
    );
    const finish = (v: string | null) => {
      dialog.close();
      dialog.remove();
      resolve(v);
    };
    dialog.querySelector('form')!.addEventListener('submit', (e) => {
      e.preventDefault();
      const v = note?.value.trim() ?? '';
      if (opts.note?.required && !v) {
        error.textContent = t('cases.noteRequired');
        note?.focus();
        return;
      }
      finish(v);
    });
    dialog.addEventListener('cancel', (e) => {
      e.preventDefault();
      finish(null);
    });
    document.body.append(dialog);
    dialog.showModal();
    (note ?? dialog.querySelector<HTMLButtonElement>('button[type=submit]'))?.focus();
  });
}
