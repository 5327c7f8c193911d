/** The strip on every page in demo mode: the data, drones and accounts are a demonstration, not a county's. */
import { appConfig } from '../api/client.ts';
import { t } from '../i18n.ts';
import { h } from './dom.ts';

let demo: Promise<boolean> | undefined;

/** An element that becomes the demo banner once the page's configuration says demo mode is on (empty otherwise). */
export function demoBanner(): HTMLElement {
  const el = h('div', { class: 'demo-banner', role: 'status', hidden: true });
  demo ??= appConfig()
    .then((c) => c.demo === true)
    .catch(() => {
      demo = undefined; // asked again on the next page
      return false;
    });
  void demo.then((on) => {
    if (!on) return;
    el.textContent = t('demo.banner');
    el.hidden = false;
  });
  return el;
}
