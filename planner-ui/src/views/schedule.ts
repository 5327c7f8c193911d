/**
 * 排班 Schedule: a weekly calendar per drone with every patrol's occurrences (upcoming from the schedule's rule,
 * past ones with their outcome), and the form to create or edit a recurring patrol.
 */
import type { Drone, Occurrence, PlanSummary, Schedule } from '@xuncha/mission-service/contract';
import * as api from '../api/client.ts';
import { currentLang, fmt, localize, t, type StringKey } from '../i18n.ts';
import { hasRole } from '../roles.ts';
import { field, h, render } from '../ui/dom.ts';
import { askConfirm, showError, toast, withButton } from '../ui/feedback.ts';
import type { View } from './view.ts';
import { addDays, mondayOf, parseWeeklyRrule, shanghai, WEEKDAYS, weeklyRrule, type Weekday } from './week.ts';

interface Slot {
  schedule: Schedule;
  at: string;
  outcome: Occurrence['outcome'] | 'upcoming';
  reason: string | null;
}

const DAY_NAMES: Record<'zh' | 'en', string[]> = {
  zh: ['周一', '周二', '周三', '周四', '周五', '周六', '周日'],
  en: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'],
};

const view: View = async (root, ctx) => {
  const canEdit = hasRole(ctx.user, 'operator');
  let drones: Drone[] = [];
  let plans: PlanSummary[] = [];
  let schedules: Schedule[] = [];
  /** Each schedule's occurrences still to come in the week on show (an hourly rule has 168). */
  let next = new Map<string, string[]>();
  const past = new Map<string, Occurrence[]>();
  /** Counts week loads, so that only the last one asked for is drawn. */
  let weekLoads = 0;
  let droneFilter = '';
  let weekStart = mondayOf(new Date());
  let editing: Schedule | null = null;
  let disposed = false;

  const wrap = h('section', { class: 'calendar-wrap', 'aria-label': t('schedule.title') });
  const side = h('aside', { class: 'side right', 'aria-label': t('schedule.new') });
  root.append(wrap, side);

  async function load(): Promise<void> {
    try {
      [drones, plans, schedules] = await Promise.all([api.drones(), api.plans(), api.schedules()]);
      const ticket = ++weekLoads;
      const [week] = await Promise.all([
        upcomingIn(weekStart),
        ...schedules.map(async (s) => past.set(s.id, await api.occurrences(s.id))),
      ]);
      if (disposed) return;
      // A week asked for meanwhile (the buttons) is drawn by its own load.
      if (ticket === weekLoads) {
        next = week;
        renderCalendar();
      }
      renderForm();
    } catch (err) {
      showError(err, () => void load());
    }
  }

  async function upcomingIn(monday: string): Promise<Map<string, string[]>> {
    const sunday = addDays(monday, 6);
    const asked = schedules; // `schedules` may be read again while the answers come
    const lists = await Promise.all(asked.map((s) => api.scheduleBetween(s.id, monday, sunday)));
    return new Map(asked.map((s, i) => [s.id, lists[i]!]));
  }

  async function showWeek(monday: string): Promise<void> {
    weekStart = monday;
    const ticket = ++weekLoads;
    try {
      const week = await upcomingIn(monday);
      if (disposed || ticket !== weekLoads) return;
      next = week;
      renderCalendar();
    } catch (err) {
      showError(err, () => void showWeek(monday));
    }
  }

  function slotsOfWeek(): Slot[] {
    const end = addDays(weekStart, 7);
    const inWeek = (iso: string) => {
      const d = shanghai(iso).date;
      return d >= weekStart && d < end;
    };
    const out: Slot[] = [];
    for (const s of schedules) {
      if (droneFilter && !s.droneIds.includes(droneFilter)) continue;
      const fired = new Set<string>();
      for (const o of past.get(s.id) ?? []) {
        fired.add(new Date(o.occursAt).toISOString());
        if (inWeek(o.occursAt)) out.push({ schedule: s, at: o.occursAt, outcome: o.outcome, reason: o.reason });
      }
      for (const at of next.get(s.id) ?? [])
        if (inWeek(at) && !fired.has(new Date(at).toISOString()))
          out.push({ schedule: s, at, outcome: 'upcoming', reason: null });
    }
    return out;
  }

  function renderCalendar(): void {
    const slots = slotsOfWeek();
    const hours = slots.map((s) => shanghai(s.at).hour);
    const first = Math.min(6, ...hours);
    const last = Math.max(20, ...hours.map((x) => x + 1));
    const today = shanghai(new Date()).date;
    const grid = h('div', { class: 'calendar', 'aria-label': t('schedule.title') });
    grid.append(h('div', { class: 'cal-day-head' }));
    for (let d = 0; d < 7; d++) {
      const date = addDays(weekStart, d);
      grid.append(
        h(
          'div',
          { class: `cal-day-head${date === today ? ' today' : ''}` },
          `${DAY_NAMES[currentLang()][d]} ${date.slice(5)}`,
        ),
      );
    }
    const cells = new Map<string, HTMLElement>();
    for (let hr = first; hr < last; hr++) {
      grid.append(h('div', { class: 'cal-hour' }, `${String(hr).padStart(2, '0')}:00`));
      for (let d = 0; d < 7; d++) {
        const cell = h('div', { class: 'cal-cell' });
        cells.set(`${d}-${hr}`, cell);
        grid.append(cell);
      }
    }
    for (const slot of slots) {
      const p = shanghai(slot.at);
      const day = Math.round((Date.parse(`${p.date}T00:00:00Z`) - Date.parse(`${weekStart}T00:00:00Z`)) / 86_400_000);
      const cell = cells.get(`${day}-${p.hour}`);
      if (!cell) continue;
      const cls = slot.outcome === 'upcoming' ? (slot.schedule.paused ? 'paused' : '') : slot.outcome;
      const label = `${String(p.hour).padStart(2, '0')}:${String(p.minute).padStart(2, '0')} ${slot.schedule.name}`;
      const ev = h(
        'button',
        {
          type: 'button',
          class: `cal-event ${cls}`,
          title: `${label} · ${t(`outcome.${slot.outcome}` as StringKey)}${slot.reason ? ` · ${localize(slot.reason)}` : ''}`,
          'data-schedule': slot.schedule.id,
          'data-outcome': slot.outcome,
          onclick: () => edit(slot.schedule),
        },
        label,
        h('br'),
        h('small', {}, t(`outcome.${slot.outcome}` as StringKey)),
      );
      cell.append(ev);
    }
    const droneSel = h(
      'select',
      { 'aria-label': t('schedule.drone'), onchange: () => ((droneFilter = droneSel.value), renderCalendar()) },
      h('option', { value: '' }, t('schedule.allDrones')),
      drones.map((d) => h('option', { value: d.id, selected: d.id === droneFilter }, d.name)),
    );
    render(
      wrap,
      h(
        'div',
        { class: 'cal-head' },
        h('h2', {}, t('schedule.title')),
        droneSel,
        h(
          'button',
          { type: 'button', class: 'btn', onclick: () => void showWeek(addDays(weekStart, -7)) },
          `‹ ${t('schedule.prevWeek')}`,
        ),
        h(
          'button',
          { type: 'button', class: 'btn', onclick: () => void showWeek(mondayOf(new Date())) },
          t('schedule.thisWeek'),
        ),
        h(
          'button',
          { type: 'button', class: 'btn', onclick: () => void showWeek(addDays(weekStart, 7)) },
          `${t('schedule.nextWeek')} ›`,
        ),
        h('span', { class: 'muted' }, `${weekStart} – ${addDays(weekStart, 6)} (Asia/Shanghai)`),
      ),
      grid,
      h('h3', { class: 'section' }, t('schedule.list')),
      scheduleTable(),
    );
  }

  function scheduleTable(): HTMLElement {
    if (!schedules.length) return h('p', { class: 'hint' }, t('none'));
    return h(
      'table',
      {},
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', {}, t('schedule.name')),
          h('th', {}, t('schedule.plan')),
          h('th', {}, t('schedule.drones')),
          h('th', {}, t('schedule.history')),
          h('th', {}, ''),
        ),
      ),
      h(
        'tbody',
        {},
        schedules
          .filter((s) => !droneFilter || s.droneIds.includes(droneFilter))
          .map((s) => {
            const hist = (past.get(s.id) ?? []).slice(-5).reverse();
            return h(
              'tr',
              { 'data-schedule-row': s.id },
              h('td', {}, s.name, s.paused ? h('span', { class: 'badge warn' }, ` ${t('schedule.paused')}`) : null),
              h('td', {}, plans.find((p) => p.id === s.planId)?.name ?? s.planId),
              h('td', {}, s.droneIds.map((id) => drones.find((d) => d.id === id)?.name ?? id).join('、')),
              h(
                'td',
                {},
                hist.length
                  ? hist.map((o) =>
                      h(
                        'span',
                        {
                          class: `badge ${o.outcome === 'flown' ? 'ok' : o.outcome === 'failed' ? 'err' : 'warn'}`,
                          title: o.reason ? localize(o.reason) : '',
                        },
                        `${fmt.dateTime(o.occursAt)} ${t(`outcome.${o.outcome}` as StringKey)}`,
                      ),
                    )
                  : h('span', { class: 'muted' }, t('schedule.noHistory')),
              ),
              h(
                'td',
                {},
                canEdit
                  ? h(
                      'div',
                      { class: 'btn-row' },
                      h('button', { type: 'button', class: 'btn btn-small', onclick: () => edit(s) }, t('edit')),
                      pauseButton(s),
                      deleteButton(s),
                    )
                  : null,
              ),
            );
          }),
      ),
    );
  }

  function pauseButton(s: Schedule): HTMLButtonElement {
    const b = h(
      'button',
      { type: 'button', class: 'btn btn-small' },
      s.paused ? t('schedule.resume') : t('schedule.pause'),
    );
    b.addEventListener(
      'click',
      () => void withButton(b, null, async () => (await api.setSchedulePaused(s.id, !s.paused), await load())),
    );
    return b;
  }
  function deleteButton(s: Schedule): HTMLButtonElement {
    const b = h('button', { type: 'button', class: 'btn btn-small btn-danger' }, t('delete'));
    b.addEventListener('click', async () => {
      const ok = await askConfirm({
        title: t('delete'),
        body: t('schedule.deleteConfirm', { name: s.name }),
        danger: true,
        confirmLabel: t('delete'),
      });
      if (ok === null) return;
      await withButton(b, null, async () => (await api.deleteSchedule(s.id), await load()));
    });
    return b;
  }

  function edit(s: Schedule): void {
    if (!canEdit) return;
    editing = s;
    renderForm();
    side.querySelector<HTMLInputElement>('input')?.focus();
  }

  function renderForm(): void {
    if (!canEdit) {
      render(side, h('p', { class: 'hint' }, t('plan.operatorOnly')));
      return;
    }
    const rule = editing ? parseWeeklyRrule(editing.rrule) : null;
    const startLocal = editing ? shanghai(editing.startsAt) : null;
    const name = h('input', { value: editing?.name ?? '', required: true, maxlength: 200 });
    const planSel = h(
      'select',
      { required: true },
      plans.map((p) => h('option', { value: p.id, selected: p.id === editing?.planId }, p.name)),
    );
    const days = new Set<Weekday>(rule?.days ?? ['MO', 'TH']);
    const dayBoxes = h(
      'div',
      { class: 'chips', role: 'group', 'aria-label': t('schedule.days') },
      WEEKDAYS.map((d, i) => {
        const box = h('input', { type: 'checkbox', value: d, checked: days.has(d) });
        box.addEventListener('change', () => (box.checked ? days.add(d) : days.delete(d)));
        return h('label', { class: 'chip-check' }, box, DAY_NAMES[currentLang()][i]);
      }),
    );
    const time = h('input', {
      type: 'time',
      value: rule ? `${String(rule.hour).padStart(2, '0')}:${String(rule.minute).padStart(2, '0')}` : '09:00',
      required: true,
    });
    const start = h('input', { type: 'date', value: startLocal?.date ?? shanghai(new Date()).date, required: true });
    const chosen = new Set<string>(
      editing?.droneIds ?? (droneFilter ? [droneFilter] : drones[0] ? [drones[0].id] : []),
    );
    const droneBoxes = h(
      'div',
      { class: 'chips', role: 'group', 'aria-label': t('schedule.drones') },
      drones.map((d) => {
        const box = h('input', { type: 'checkbox', value: d.id, checked: chosen.has(d.id) });
        box.addEventListener('change', () => (box.checked ? chosen.add(d.id) : chosen.delete(d.id)));
        return h('label', { class: 'chip-check' }, box, d.name);
      }),
    );
    const wind = h('input', { type: 'number', min: 1, max: 50, step: 0.5, value: editing?.maxWindMps ?? '' });
    const error = h('p', { class: 'form-error', role: 'alert' });
    const submit = h(
      'button',
      { type: 'submit', class: 'btn btn-primary' },
      editing ? t('schedule.update') : t('schedule.create'),
    );
    const form = h(
      'form',
      { novalidate: true, 'aria-label': editing ? t('schedule.editing') : t('schedule.new') },
      h('h2', {}, editing ? t('schedule.editing') : t('schedule.new')),
      field(t('schedule.name'), name),
      field(t('schedule.plan'), planSel),
      h('fieldset', {}, h('legend', {}, t('schedule.days')), dayBoxes),
      h('div', { class: 'row' }, field(t('schedule.time'), time), field(t('schedule.start'), start)),
      h('fieldset', {}, h('legend', {}, t('schedule.drones')), droneBoxes),
      field(t('schedule.maxWind'), wind),
      error,
      h(
        'div',
        { class: 'btn-row' },
        submit,
        editing
          ? h('button', { type: 'button', class: 'btn', onclick: () => ((editing = null), renderForm()) }, t('cancel'))
          : null,
      ),
    );
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      error.textContent = '';
      if (!name.value.trim()) return void ((error.textContent = `${t('schedule.name')}?`), name.focus());
      if (!planSel.value) return void (error.textContent = t('schedule.needPlan'));
      if (!days.size) return void (error.textContent = t('schedule.needDays'));
      if (!chosen.size) return void (error.textContent = t('schedule.needDrone'));
      const [hh, mm] = time.value.split(':').map(Number);
      const input = {
        name: name.value.trim(),
        planId: planSel.value,
        rrule: weeklyRrule({ days: [...days], hour: hh ?? 9, minute: mm ?? 0 }),
        dtstart: `${start.value}T${time.value}`,
        timezone: 'Asia/Shanghai',
        droneIds: [...chosen],
        maxWindMps: wind.value ? Number(wind.value) : null,
      };
      void withButton(submit, null, async () => {
        try {
          if (editing) await api.updateSchedule(editing.id, input);
          else await api.createSchedule(input);
        } catch (err) {
          if (err instanceof api.ApiError && err.status < 500 && err.status !== 401) {
            error.textContent = localize(err.message);
            return;
          }
          throw err;
        }
        toast(editing ? t('schedule.updated') : t('schedule.created'), { kind: 'ok' });
        editing = null;
        weekStart =
          mondayOf(`${start.value}T12:00:00+08:00`) > weekStart ? mondayOf(`${start.value}T12:00:00+08:00`) : weekStart;
        await load();
      });
    });
    render(side, form);
  }

  render(wrap, h('p', { class: 'loading' }, t('loading')));
  await load();
  return () => {
    disposed = true;
  };
};

export default view;
