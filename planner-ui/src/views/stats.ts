/** 统计 Stats: closure and on-time rates overall, per department and per category, as charts; CSV/XLSX export. */
import * as api from '../api/client.ts';
import type { CaseStats, StatsRow } from '../api/types.ts';
import type { DetectionStats } from '@xuncha/mission-service/contract';
import { fmt, localize, t } from '../i18n.ts';
import { download, field, h, render, svg } from '../ui/dom.ts';
import { showError, withButton } from '../ui/feedback.ts';
import { detectionChart } from './detection-chart.ts';
import type { View } from './view.ts';
import { shanghai, addDays } from './week.ts';

const MEASURES: Array<{ key: keyof StatsRow; label: () => string; colour: string }> = [
  { key: 'closureRate', label: () => t('stats.closure'), colour: '#1f6f5c' },
  { key: 'acceptOnTimeRate', label: () => t('stats.acceptOnTime'), colour: '#1e88e5' },
  { key: 'dispatchOnTimeRate', label: () => t('stats.dispatchOnTime'), colour: '#8e24aa' },
  { key: 'resolveOnTimeRate', label: () => t('stats.resolveOnTime'), colour: '#ef6c00' },
];

/** Grouped horizontal bars: one group per row (department or category), one bar per rate. */
export function rateChart(title: string, rows: StatsRow[]): HTMLElement {
  const rowH = 14;
  const groupH = MEASURES.length * rowH + 14;
  const labelW = 170;
  const width = 640;
  const barW = width - labelW - 60;
  const height = Math.max(groupH, rows.length * groupH) + 20;
  const root = svg('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': title });
  rows.forEach((r, i) => {
    const y0 = i * groupH + 4;
    root.append(
      svg(
        'text',
        { x: 0, y: y0 + groupH / 2, 'font-size': 12, fill: '#1d2327', 'dominant-baseline': 'middle' },
        `${localize(r.name)} (${r.filed})`,
      ),
    );
    MEASURES.forEach((m, j) => {
      const v = r[m.key] as number | null;
      const y = y0 + j * rowH;
      root.append(svg('rect', { x: labelW, y, width: barW, height: rowH - 3, fill: '#eef1f0' }));
      if (v !== null)
        root.append(svg('rect', { x: labelW, y, width: Math.max(1, v * barW), height: rowH - 3, fill: m.colour }));
      root.append(
        svg(
          'text',
          { x: labelW + barW + 6, y: y + rowH / 2, 'font-size': 11, fill: '#333', 'dominant-baseline': 'middle' },
          fmt.pct(v),
        ),
      );
    });
  });
  return h(
    'figure',
    { class: 'chart' },
    h('figcaption', {}, h('h3', {}, title)),
    h(
      'div',
      { class: 'chart-legend' },
      MEASURES.map((m) => h('span', {}, h('span', { class: 'swatch', 'data-colour': m.colour }), ` ${m.label()}`)),
    ),
    rows.length ? root : h('p', { class: 'hint' }, t('stats.noData')),
    // The same figures as a table for screen readers and for copying.
    h(
      'table',
      { class: 'sr-only' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', {}, ''),
          h('th', {}, t('stats.filed')),
          MEASURES.map((m) => h('th', {}, m.label())),
        ),
      ),
      h(
        'tbody',
        {},
        rows.map((r) =>
          h(
            'tr',
            {},
            h('th', {}, localize(r.name)),
            h('td', {}, String(r.filed)),
            MEASURES.map((m) => h('td', {}, fmt.pct(r[m.key] as number | null))),
          ),
        ),
      ),
    ),
  );
}

const view: View = async (root) => {
  const today = shanghai(new Date()).date;
  const from = h('input', { type: 'date', value: addDays(today, -29) });
  const to = h('input', { type: 'date', value: today });
  const error = h('p', { class: 'form-error', role: 'alert' });
  const body = h('div', { 'aria-live': 'polite' });
  const range = (): [Date, Date] | null => {
    const f = new Date(`${from.value}T00:00:00+08:00`);
    const e = new Date(`${addDays(to.value, 1)}T00:00:00+08:00`);
    if (!from.value || !to.value || !(f < e)) {
      error.textContent = t('stats.badRange');
      return null;
    }
    error.textContent = '';
    return [f, e];
  };
  const show = h('button', { type: 'button', class: 'btn btn-primary' }, t('stats.apply'));
  const exportBtn = (format: 'csv' | 'xlsx', label: string) => {
    const b = h('button', { type: 'button', class: 'btn', 'data-export': format }, label);
    b.addEventListener('click', () => {
      const r = range();
      if (r)
        void withButton(b, null, async () =>
          download(await api.caseStatsFile(r[0], r[1], format), `case-stats-${from.value}-${to.value}.${format}`),
        );
    });
    return b;
  };
  async function load(): Promise<void> {
    const r = range();
    if (!r) return;
    render(body, h('p', { class: 'loading' }, t('loading')));
    try {
      const [cases, detections] = await Promise.all([
        api.caseStats(r[0], r[1]),
        api.detectionStats(r[0], r[1]).catch((err: unknown) => err as Error),
      ]);
      paint(cases, detections);
    } catch (err) {
      render(body);
      showError(err, () => void load());
    }
  }
  function paint(s: CaseStats, d: DetectionStats | Error): void {
    const o = s.overall;
    const kpi = (label: string, value: string) => h('div', { class: 'kpi' }, h('b', {}, value), h('span', {}, label));
    render(
      body,
      h(
        'div',
        { class: 'stats-kpis', 'data-testid': 'stats-kpis' },
        kpi(t('stats.filed'), fmt.int(o.filed)),
        kpi(t('stats.closure'), fmt.pct(o.closureRate)),
        kpi(t('stats.acceptOnTime'), fmt.pct(o.acceptOnTimeRate)),
        kpi(t('stats.dispatchOnTime'), fmt.pct(o.dispatchOnTimeRate)),
        kpi(t('stats.resolveOnTime'), fmt.pct(o.resolveOnTimeRate)),
      ),
      h(
        'div',
        { class: 'charts' },
        rateChart(t('stats.byDepartment'), s.byDepartment),
        rateChart(t('stats.byCategory'), s.byCategory),
      ),
      d instanceof Error
        ? h('p', { class: 'form-error section' }, localize(d.message))
        : h('div', { class: 'charts' }, detectionChart(d)),
    );
    for (const el of body.querySelectorAll<HTMLElement>('[data-colour]')) el.style.background = el.dataset.colour!;
  }
  show.addEventListener('click', () => void load());
  render(
    root,
    h(
      'section',
      { class: 'stats' },
      h(
        'div',
        { class: 'stats-head' },
        h('h2', {}, t('stats.title')),
        field(t('stats.from'), from),
        field(t('stats.to'), to),
        show,
        exportBtn('csv', t('stats.exportCsv')),
        exportBtn('xlsx', t('stats.exportXlsx')),
      ),
      error,
      body,
    ),
  );
  await load();
  return () => {};
};

export default view;
