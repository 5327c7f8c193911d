/**
 * 日历 Working calendar: the year's statutory holidays (放假) and adjusted working weekends (调休上班) that the
 * non-urgent 3-working-day deadline counts on. Admins enter a year when the State Council announces it (usually
 * in late autumn, before the calendar shipped with Xuncha knows it) and publish it whole; others read it.
 */
import type { CalendarYear } from '@xuncha/mission-service/contract';
import * as api from '../api/client.ts';
import { currentLang, localize, t, type StringKey } from '../i18n.ts';
import { hasRole } from '../roles.ts';
import { field, h, render } from '../ui/dom.ts';
import { askConfirm, showError, toast, withButton } from '../ui/feedback.ts';
import type { View } from './view.ts';
import { shanghai } from './week.ts';
import {
  dayRange,
  kindOf,
  monthWeeks,
  sameOverride,
  sameOverrides,
  withEdit,
  yearBody,
  type DayKind,
  type DayOverride,
} from './working-year.ts';

const WEEKDAY_HEADS: Record<'zh' | 'en', string[]> = {
  zh: ['一', '二', '三', '四', '五', '六', '日'],
  en: ['M', 'T', 'W', 'T', 'F', 'S', 'S'],
};

const view: View = async (root, ctx) => {
  const canEdit = hasRole(ctx.user, 'admin');
  const today = shanghai(new Date()).date;
  let year = Number(today.slice(0, 4));
  let saved: CalendarYear | null = null;
  let savedOverrides = new Map<string, DayOverride>();
  let draft = new Map<string, DayOverride>();
  let anchor: string | null = null;
  let selection: string[] = [];
  let disposed = false;

  const main = h('section', { class: 'calendar-wrap', 'aria-label': t('calendar.title') });
  const side = h('aside', { class: 'side right', 'aria-label': t('calendar.list') });
  root.append(main, side);

  const dirty = () => !sameOverrides(draft, savedOverrides);

  async function load(y: number): Promise<void> {
    try {
      const got = await api.calendarYear(y);
      if (disposed) return;
      year = y;
      saved = got;
      savedOverrides = new Map(got.days.map((d) => [d.day, { isWorkday: d.isWorkday, name: d.name }]));
      draft = new Map(savedOverrides);
      anchor = null;
      selection = [];
      renderAll();
    } catch (err) {
      showError(err, () => void load(y));
    }
  }

  /** Another year: asks first when this one has changes not yet published. */
  async function goTo(y: number): Promise<void> {
    if (canEdit && dirty()) {
      const ok = await askConfirm({
        title: t('calendar.discardTitle', { year }),
        confirmLabel: t('calendar.discard'),
        danger: true,
      });
      if (ok === null) return;
    }
    await load(y);
  }

  function pick(day: string, extend: boolean): void {
    if (!canEdit) return;
    if (extend && anchor && anchor.slice(0, 4) === day.slice(0, 4)) selection = dayRange(anchor, day);
    else {
      anchor = day;
      selection = [day];
    }
    renderAll();
    main.querySelector<HTMLButtonElement>(`[data-day="${day}"]`)?.focus();
  }

  function dayLabel(day: string, kind: DayKind, o: DayOverride | undefined): string {
    return `${day} ${t(`calendar.kind.${kind}` as StringKey)}${o?.name ? ` · ${localize(o.name)}` : ''}`;
  }

  function month(m: number): HTMLElement {
    const name = new Date(Date.UTC(year, m - 1, 1)).toLocaleString(currentLang() === 'zh' ? 'zh-CN' : 'en-GB', {
      month: 'long',
      timeZone: 'UTC',
    });
    const chosen = new Set(selection);
    return h(
      'figure',
      { class: 'year-month' },
      h('figcaption', {}, name),
      h(
        'table',
        { class: 'year-month-grid' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            WEEKDAY_HEADS[currentLang()].map((d) => h('th', { scope: 'col' }, d)),
          ),
        ),
        h(
          'tbody',
          {},
          monthWeeks(year, m).map((week) =>
            h(
              'tr',
              {},
              week.map((day) => {
                if (!day) return h('td', {});
                const o = draft.get(day);
                const kind = kindOf(day, o);
                const changed = !sameOverride(savedOverrides.get(day), o);
                const attrs = {
                  class: `year-day ${kind}${changed ? ' changed' : ''}${chosen.has(day) ? ' chosen' : ''}${day === today ? ' today' : ''}`,
                  'data-day': day,
                  'data-kind': kind,
                  title: dayLabel(day, kind, o),
                };
                const date = String(Number(day.slice(8)));
                // Screen readers hear the date shown, then the whole date, its kind and its name.
                const spoken = h('span', { class: 'sr-only' }, ` ${dayLabel(day, kind, o)}`);
                // Admins pick days (Shift extends the pick to a range); others read the day's kind from its title.
                return h(
                  'td',
                  {},
                  canEdit
                    ? h(
                        'button',
                        {
                          ...attrs,
                          type: 'button',
                          'aria-pressed': String(chosen.has(day)),
                          onclick: (e: Event) => pick(day, (e as MouseEvent).shiftKey),
                        },
                        date,
                        spoken,
                      )
                    : h('span', attrs, date, spoken),
                );
              }),
            ),
          ),
        ),
      ),
    );
  }

  function status(): HTMLElement {
    if (saved?.published) {
      const source = t(`calendar.source.${saved.source === 'admin' ? 'admin' : 'chinese-days'}` as StringKey);
      return h(
        'p',
        { class: 'calendar-status ok', 'data-testid': 'calendar-status' },
        t('calendar.published', { year, source }),
      );
    }
    return h(
      'p',
      { class: 'calendar-status warn', role: 'status', 'data-testid': 'calendar-status' },
      t('calendar.unpublished', { year }),
    );
  }

  function legend(): HTMLElement {
    return h(
      'p',
      { class: 'calendar-legend' },
      (['work', 'weekend', 'holiday', 'makeup'] as const).map((k) =>
        h(
          'span',
          {},
          h('span', { class: `year-day swatch ${k}`, 'aria-hidden': 'true' }),
          ` ${t(`calendar.kind.${k}` as StringKey)} `,
        ),
      ),
    );
  }

  function editor(): HTMLElement {
    const name = h('input', { type: 'text', maxlength: 200, value: draft.get(selection[0] ?? '')?.name ?? '' });
    const apply = (edit: 'holiday' | 'makeup' | 'rule') => () => {
      draft = withEdit(draft, selection, edit, name.value);
      renderAll();
    };
    if (!selection.length) return h('p', { class: 'hint' }, t('calendar.howToSelect'));
    return h(
      'div',
      { class: 'calendar-editor' },
      h(
        'p',
        { 'data-testid': 'calendar-selection' },
        t('calendar.selected', { from: selection[0]!, to: selection.at(-1)!, n: selection.length }),
      ),
      field(t('calendar.name'), name),
      h(
        'div',
        { class: 'btn-row' },
        h('button', { type: 'button', class: 'btn', onclick: apply('holiday') }, t('calendar.setHoliday')),
        h('button', { type: 'button', class: 'btn', onclick: apply('makeup') }, t('calendar.setMakeup')),
        h('button', { type: 'button', class: 'btn', onclick: apply('rule') }, t('calendar.setRule')),
      ),
      h('p', { class: 'hint' }, t('calendar.howToSelect')),
    );
  }

  function publishButtons(): HTMLElement | null {
    if (!canEdit) return null;
    const body = yearBody(draft);
    const publish = h('button', { type: 'button', class: 'btn btn-primary' }, t('calendar.publish', { year }));
    publish.addEventListener('click', () => {
      void (async () => {
        const ok = await askConfirm({
          title: t('calendar.publishTitle', { year }),
          body: t('calendar.publishBody', { year, n: body.days.length }),
        });
        if (ok === null) return;
        await withButton(publish, null, async () => {
          await api.publishCalendarYear(year, body);
          toast(t('calendar.publishedOk', { year }), { kind: 'ok' });
          await load(year);
        });
      })();
    });
    const changed = dirty();
    // Nothing to publish: the year is published as it stands, or has no holiday yet (no year in China has none;
    // publishing it empty would end the "estimated" flag on deadlines still counted without its holidays).
    publish.disabled = (!changed && Boolean(saved?.published)) || body.days.length === 0;
    return h(
      'div',
      { class: 'btn-row' },
      changed ? h('span', { class: 'badge warn' }, t('calendar.unsaved')) : null,
      publish,
      changed
        ? h(
            'button',
            { type: 'button', class: 'btn', onclick: () => ((draft = new Map(savedOverrides)), renderAll()) },
            t('calendar.discard'),
          )
        : null,
    );
  }

  function overrideList(): HTMLElement {
    const { days } = yearBody(draft);
    if (!days.length) return h('p', { class: 'hint' }, t('calendar.noOverrides'));
    return h(
      'ul',
      { class: 'calendar-overrides', 'data-testid': 'calendar-overrides' },
      days.map((d) => {
        // A working-day override on a weekday changes nothing: listed as the working day it is, like its cell.
        const kind = kindOf(d.day, d);
        return h(
          'li',
          { 'data-day': d.day },
          h('span', { class: `year-day swatch ${kind}`, 'aria-hidden': 'true' }),
          ` ${dayLabel(d.day, kind, d)}`,
        );
      }),
    );
  }

  function renderAll(): void {
    render(
      main,
      h(
        'div',
        { class: 'cal-head' },
        h('h2', {}, t('calendar.title')),
        h(
          'button',
          { type: 'button', class: 'btn', onclick: () => void goTo(year - 1) },
          `‹ ${t('calendar.prevYear')}`,
        ),
        h(
          'button',
          { type: 'button', class: 'btn', onclick: () => void goTo(Number(today.slice(0, 4))) },
          t('calendar.thisYear'),
        ),
        h(
          'button',
          { type: 'button', class: 'btn', onclick: () => void goTo(year + 1) },
          `${t('calendar.nextYear')} ›`,
        ),
        h('strong', { 'data-testid': 'calendar-year' }, String(year)),
      ),
      status(),
      legend(),
      h(
        'div',
        { class: 'year-grid' },
        Array.from({ length: 12 }, (_, i) => month(i + 1)),
      ),
    );
    render(
      side,
      h('h2', {}, `${year} · ${t('calendar.list')}`),
      canEdit ? editor() : h('p', { class: 'hint' }, t('calendar.readOnly')),
      publishButtons(),
      overrideList(),
    );
  }

  render(main, h('p', { class: 'loading' }, t('loading')));
  await load(year);
  return () => {
    disposed = true;
  };
};

export default view;
