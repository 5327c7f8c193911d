/** The application shell: login, role-aware navigation, language switch, session expiry, the current view. */
import { configureClient, csrfToken, logout, me, type ApiError } from './api/client.ts';
import { currentLang, localize, onLangChange, setLang, t, type StringKey } from './i18n.ts';
import { homeFor, viewsFor, type ViewName } from './roles.ts';
import { navigate, onRouteChange, parseRoute, type Route } from './router.ts';
import { onSessionChange, session, setSession } from './session.ts';
import { clear, h } from './ui/dom.ts';
import { demoBanner } from './ui/demo-banner.ts';
import { setBusy, toast } from './ui/feedback.ts';
import { loginForm, loginPage } from './views/login.ts';
import type { View } from './views/view.ts';

const VIEWS: Record<ViewName, () => Promise<{ default: View }>> = {
  plan: () => import('./views/plan.ts'),
  schedule: () => import('./views/schedule.ts'),
  fleet: () => import('./views/fleet.ts'),
  review: () => import('./views/review.ts'),
  cases: () => import('./views/cases.ts'),
  stats: () => import('./views/stats.ts'),
  calendar: () => import('./views/calendar.ts'),
};

let disposeView: (() => void) | null = null;
let expiryDialogOpen = false;
let expiryTimer: ReturnType<typeof setTimeout> | undefined;

export function startApp(root: HTMLElement): void {
  document.documentElement.lang = currentLang() === 'zh' ? 'zh-CN' : 'en';
  configureClient({
    signedIn: () => session() !== null,
    csrfToken: () => session()?.csrfToken ?? null,
    onCsrfToken: (token) => {
      const s = session();
      if (s) setSession({ ...s, csrfToken: token });
    },
    onSessionExpired: (err) => sessionExpired(err),
    onBusy: setBusy,
  });
  onRouteChange((r) => void show(root, r));
  onLangChange(() => void show(root, parseRoute()));
  onSessionChange(() => scheduleExpiryWarning());
  scheduleExpiryWarning();
  void show(root, parseRoute());
  // The cookie may have been revoked server-side (or be valid in a new tab): ask once, quietly, and fetch the
  // CSRF token the page needs for changes (it is never stored).
  void Promise.all([me(), csrfToken()])
    .then(([user, csrf]) => {
      const s = session();
      const expiresAt = s?.expiresAt ?? null;
      setSession({ expiresAt, user, csrfToken: csrf });
      if (!s) void show(root, parseRoute());
    })
    .catch((err: ApiError) => {
      if (err.status === 401 && session()) {
        setSession(null);
        void show(root, parseRoute());
      }
    });
}

function langButton(): HTMLButtonElement {
  return h(
    'button',
    {
      type: 'button',
      class: 'btn btn-ghost lang',
      lang: currentLang() === 'zh' ? 'en' : 'zh-CN',
      title: t('lang.switchLabel'),
      onclick: () => setLang(currentLang() === 'zh' ? 'en' : 'zh'),
    },
    t('lang.switch'),
  );
}

async function show(root: HTMLElement, route: Route): Promise<void> {
  disposeView?.();
  disposeView = null;
  clear(root);
  root.append(demoBanner());
  const s = session();
  if (!s) {
    if (route.view !== 'login') {
      const next = location.pathname + location.search;
      navigate(`/login${next !== '/' ? `?next=${encodeURIComponent(next)}` : ''}`, { replace: true, silent: true });
    }
    document.title = `${t('login.title')} · ${t('appName')}`;
    loginPage(
      root,
      () => {
        const next = parseRoute().query.get('next');
        navigate(next && next.startsWith('/') && !next.startsWith('//') ? next : '/', { replace: true });
      },
      langButton(),
    );
    return;
  }
  const allowed = viewsFor(s.user);
  if (route.view === '' || route.view === 'login') {
    navigate(`/${homeFor(s.user)}`, { replace: true });
    return;
  }
  const main = h('main', { id: 'main', class: 'view', tabindex: -1 });
  root.append(shell(route.view, allowed, s.user), main);
  const name = route.view as ViewName;
  if (!(name in VIEWS)) {
    document.title = `${t('notFound')} · ${t('appName')}`;
    main.append(
      h(
        'div',
        { class: 'empty-page' },
        h('h1', {}, t('notFound')),
        h('p', {}, t('notFoundBody', { path: location.pathname })),
      ),
    );
    return;
  }
  if (!allowed.includes(name)) {
    // A deep link to another role's page: say so, instead of loading a page whose requests the service refuses.
    document.title = `${t('notYourPage')} · ${t('appName')}`;
    main.append(
      h(
        'div',
        { class: 'empty-page', 'data-testid': 'not-your-page' },
        h('h1', {}, t('notYourPage')),
        h('p', {}, t('notYourPageBody', { page: t(`nav.${name}` as StringKey) })),
      ),
    );
    return;
  }
  document.title = `${t(`nav.${name}` as StringKey)} · ${t('appName')}`;
  main.append(h('p', { class: 'loading' }, t('loading')));
  try {
    const mod = await VIEWS[name]();
    if (parseRoute().view !== route.view || !main.isConnected) return;
    clear(main);
    disposeView = await mod.default(main, { user: s.user, route });
  } catch (err) {
    clear(main);
    main.append(h('p', { class: 'form-error', role: 'alert' }, String((err as Error).message ?? err)));
  }
}

function shell(
  active: string,
  allowed: ViewName[],
  user: { name: string; displayName: string | null; roles: string[] },
): HTMLElement {
  const link = (v: ViewName) =>
    h(
      'a',
      {
        href: `/${v}`,
        class: `nav-link${v === active ? ' active' : ''}`,
        'aria-current': v === active ? 'page' : null,
        onclick: (e: Event) => {
          const me = e as MouseEvent;
          if (me.ctrlKey || me.metaKey || me.shiftKey || me.button !== 0) return;
          e.preventDefault();
          navigate(`/${v}`);
        },
      },
      t(`nav.${v}` as StringKey),
    );
  const roles = user.roles.map((r) => t(`role.${r}` as StringKey)).join('、');
  return h(
    'header',
    { class: 'topbar' },
    h('a', { class: 'skip', href: '#main' }, currentLang() === 'zh' ? '跳到内容' : 'Skip to content'),
    h('div', { class: 'brand' }, h('span', { class: 'brand-mark', 'aria-hidden': 'true' }, '巡'), t('appName')),
    h(
      'nav',
      { 'aria-label': t('nav.main') },
      h(
        'ul',
        { class: 'nav' },
        allowed.map((v) => h('li', {}, link(v))),
      ),
    ),
    h(
      'div',
      { class: 'user' },
      h(
        'span',
        { class: 'user-name' },
        user.displayName ? localize(user.displayName) : user.name,
        h('small', {}, ` · ${roles}`),
      ),
      langButton(),
      h(
        'button',
        {
          type: 'button',
          class: 'btn btn-ghost',
          onclick: () => {
            void logout().catch(() => {});
            setSession(null);
            navigate('/login', { replace: true });
          },
        },
        t('logout'),
      ),
    ),
  );
}

/** Polite expiry: warn five minutes before, and on a 401 let the person log in again over the page. */
function scheduleExpiryWarning(): void {
  clearTimeout(expiryTimer);
  const s = session();
  if (!s?.expiresAt) return;
  const left = Date.parse(s.expiresAt) - Date.now();
  const warnAt = left - 5 * 60_000;
  if (warnAt > 2 ** 31 - 1) return;
  expiryTimer = setTimeout(
    () =>
      toast(t('login.expiresSoon', { min: 5 }), {
        kind: 'warn',
        timeoutMs: 60_000,
        action: { label: t('login.renew'), run: () => reLogin() },
      }),
    Math.max(0, warnAt),
  );
}

function sessionExpired(_err: ApiError): void {
  reLogin(t('login.expired'));
}

function reLogin(message?: string): void {
  if (expiryDialogOpen) return;
  const s = session();
  if (!s) return;
  expiryDialogOpen = true;
  const dialog = h('dialog', { class: 'dialog', 'aria-labelledby': 'relogin-title' });
  const done = () => {
    expiryDialogOpen = false;
    dialog.close();
    dialog.remove();
    toast(t('login.title') + ' ✓', { kind: 'ok' });
  };
  dialog.append(
    h('h2', { id: 'relogin-title' }, t('login.renew')),
    message ? h('p', {}, message) : '',
    loginForm({ username: s.user.name, onDone: done }),
    h(
      'button',
      {
        type: 'button',
        class: 'btn btn-ghost',
        onclick: () => {
          expiryDialogOpen = false;
          dialog.close();
          dialog.remove();
          setSession(null);
          navigate('/login', { replace: true });
        },
      },
      t('logout'),
    ),
  );
  dialog.addEventListener('cancel', (e) => e.preventDefault());
  document.body.append(dialog);
  dialog.showModal();
}
