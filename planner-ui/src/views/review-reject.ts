/** The reject dialog of the review page: why the finding is wrong (the reason is kept with the labelled negatives). */
import { REJECT_REASONS } from '@xuncha/mission-service/contract';
import type { RejectReason } from '../api/client.ts';
import { t, type StringKey } from '../i18n.ts';
import { h } from '../ui/dom.ts';

/** Resolves with the reason and note, or null when cancelled. */
export function askRejectReason(): Promise<{ reason: RejectReason; note: string } | null> {
  return new Promise((resolve) => {
    const reason = h(
      'select',
      { name: 'reason' },
      REJECT_REASONS.map((r) => h('option', { value: r }, t(`review.reason.${r}` as StringKey))),
    );
    const note = h('textarea', { name: 'note', rows: 3, maxlength: 2000 });
    const error = h('p', { class: 'form-error', role: 'alert' });
    const dialog = h(
      'dialog',
      { class: 'dialog', 'aria-labelledby': 'reject-title' },
      h(
        'form',
        { method: 'dialog', novalidate: true },
        h('h2', { id: 'reject-title' }, t('review.rejectTitle')),
        h('label', { class: 'field' }, h('span', { class: 'field-label' }, t('review.reason')), reason),
        h('label', { class: 'field' }, h('span', { class: 'field-label' }, t('review.note')), note),
        error,
        h(
          'div',
          { class: 'dialog-buttons' },
          h('button', { type: 'button', class: 'btn', value: 'cancel', onclick: () => finish(null) }, t('cancel')),
          h('button', { type: 'submit', class: 'btn btn-danger', value: 'ok' }, t('review.reject')),
        ),
      ),
    );
    const finish = (v: { reason: RejectReason; note: string } | null) => {
      dialog.close();
      dialog.remove();
      resolve(v);
    };
    dialog.querySelector('form')!.addEventListener('submit', (e) => {
      e.preventDefault();
      const r = reason.value as RejectReason;
      const n = note.value.trim();
      if (r === 'other' && !n) {
        error.textContent = t('review.noteRequired');
        note.focus();
        return;
      }
      finish({ reason: r, note: n });
    });
    dialog.addEventListener('cancel', (e) => {
      e.preventDefault();
      finish(null);
    });
    document.body.append(dialog);
    dialog.showModal();
    reason.focus();
  });
}
