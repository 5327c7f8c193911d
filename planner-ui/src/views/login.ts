import { ApiError, appConfig, login } from '../api/client.ts';
import { localize, t } from '../i18n.ts';
import { setSession } from '../session.ts';
import { h } from '../ui/dom.ts';

/** The login form; used as a page and, when a session expires, inside a dialog over the page. */
export function loginForm(opts: { username?: string; onDone: () => void; autofocus?: boolean }): HTMLFormElement {
  const username = h('input', {
    name: 'username',
    autocomplete: 'username',
    required: true,
    value: opts.username ?? '',
  });
  const password = h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const error = h('p', { class: 'form-error', role: 'alert', 'aria-live': 'assertive' });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary btn-block' }, t('login.submit'));
  const demo = h('div', { class: 'demo-users' });
  const form = h(
    'form',
    { class: 'login-form', novalidate: true },
    h('label', { class: 'field' }, h('span', { class: 'field-label' }, t('login.username')), username),
    h('label', { class: 'field' }, h('span', { class: 'field-label' }, t('login.password')), password),
    error,
    submit,
    demo,
  );
  void appConfig()
    .then((cfg) => {
      if (!cfg.demoUsers.length) return;
      demo.append(
        h('p', { class: 'hint' }, t('login.demo')),
        h(
          'div',
          { class: 'demo-buttons' },
          cfg.demoUsers.map((u) =>
            h(
              'button',
              {
                type: 'button',
                class: 'btn btn-small',
                onclick: () => ((username.value = u), (password.value = 'xuncha-demo'), password.focus()),
              },
              u,
            ),
          ),
        ),
      );
    })
    .catch(() => {});
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    error.textContent = '';
    if (!username.value.trim() || !password.value) {
      error.textContent = `${t('login.username')} / ${t('login.password')}?`;
      (username.value.trim() ? password : username).focus();
      return;
    }
    submit.disabled = true;
    submit.textContent = t('login.busy');
    try {
      const r = await login(username.value.trim(), password.value);
      setSession({ expiresAt: r.expiresAt, user: r.user, csrfToken: r.csrfToken ?? null });
      opts.onDone();
    } catch (err) {
      const a = err instanceof ApiError ? err : null;
      error.textContent =
        a?.status === 429 && a.retryAfterS
          ? t('login.throttled', { s: a.retryAfterS })
          : a?.status === 0
            ? t('offline')
            : localize((err as Error).message);
      password.select();
    } finally {
      submit.disabled = false;
      submit.textContent = t('login.submit');
    }
  });
  if (opts.autofocus !== false) queueMicrotask(() => (opts.username ? password : username).focus());
  return form;
}

/** The login page (before any session). */
export function loginPage(root: HTMLElement, onDone: () => void, langButton: HTMLElement): void {
  root.append(
    h(
      'main',
      { class: 'login-page' },
      h(
        'div',
        { class: 'login-card' },
        h('div', { class: 'login-head' }, h('h1', {}, `${t('appName')} `, h('small', {}, t('appTagline'))), langButton),
        h('h2', {}, t('login.title')),
        loginForm({ onDone }),
      ),
    ),
  );
}
