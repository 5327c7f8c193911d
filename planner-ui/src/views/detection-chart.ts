/**
 * 各类别每日检测数: stacked bars per China-time day, one colour per class, the confirmed count in the table beside
 * it (for screen readers and copying). Plain SVG built with DOM calls (no chart library, no inline styles: CSP).
 */
import type { DetectionStats } from '@xuncha/mission-service/contract';
import { fmt, t, type StringKey } from '../i18n.ts';
import { h, svg } from '../ui/dom.ts';

export const CLASS_COLOURS = {
  straw_burning: '#d84315',
  sewage_outfall: '#5d4037',
  exposed_slope: '#f9a825',
} as const;
type Cls = keyof typeof CLASS_COLOURS;
const CLASSES = Object.keys(CLASS_COLOURS) as Cls[];

/** Per day and class: detections and confirmed (zero where the service sent no row). */
export function dailyCounts(s: DetectionStats): Array<{ day: string } & Record<Cls, { n: number; ok: number }>> {
  const byDay = new Map(
    s.days.map((day) => [
      day,
      { day, ...Object.fromEntries(CLASSES.map((c) => [c, { n: 0, ok: 0 }])) } as { day: string } & Record<
        Cls,
        { n: number; ok: number }
      >,
    ]),
  );
  for (const r of s.rows) {
    const d = byDay.get(r.day);
    if (d) d[r.class] = { n: r.detections, ok: r.confirmed };
  }
  return [...byDay.values()];
}

/** A round axis maximum at or above `max` (1, 2, 5 × 10ⁿ). */
export function niceMax(max: number): number {
  if (max <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(max));
  return ([1, 2, 5, 10].find((m) => m * p >= max) ?? 10) * p;
}

export function detectionChart(s: DetectionStats): HTMLElement {
  const days = dailyCounts(s);
  const total = (d: (typeof days)[number]) => CLASSES.reduce((a, c) => a + d[c].n, 0);
  const top = niceMax(Math.max(0, ...days.map(total)));
  // Wide and low: a month of days side by side across the page.
  const width = 960;
  const height = 200;
  const left = 36;
  const bottom = 22;
  const plotH = height - bottom - 8;
  const slot = (width - left - 4) / Math.max(1, days.length);
  const title = t('stats.detections');
  const root = svg('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': title });
  for (const v of [0, top / 2, top]) {
    const y = 8 + plotH - (v / top) * plotH;
    root.append(svg('line', { x1: left, x2: width - 4, y1: y, y2: y, stroke: '#dde3e1', 'stroke-width': 1 }));
    root.append(
      svg(
        'text',
        { x: left - 4, y, 'font-size': 11, fill: '#333', 'text-anchor': 'end', 'dominant-baseline': 'middle' },
        fmt.int(v),
      ),
    );
  }
  const labelEvery = Math.max(1, Math.ceil(days.length / 8));
  days.forEach((d, i) => {
    const x = left + i * slot + slot * 0.15;
    let y = 8 + plotH;
    for (const c of CLASSES) {
      const hh = (d[c].n / top) * plotH;
      if (hh > 0) {
        y -= hh;
        const r = svg('rect', { x, y, width: Math.max(1, slot * 0.7), height: hh, fill: CLASS_COLOURS[c] });
        r.append(svg('title', {}, `${d.day} ${t(`category.${c}` as StringKey)}: ${d[c].n}`));
        root.append(r);
      }
    }
    if (i % labelEvery === 0)
      root.append(
        svg(
          'text',
          { x: x + slot * 0.35, y: height - 6, 'font-size': 10, fill: '#333', 'text-anchor': 'middle' },
          d.day.slice(5),
        ),
      );
  });
  const any = days.some((d) => total(d) > 0);
  return h(
    'figure',
    { class: 'chart chart-wide', 'data-testid': 'detection-chart' },
    h('figcaption', {}, h('h3', {}, title), h('p', { class: 'hint' }, t('stats.detectionsHint'))),
    h(
      'div',
      { class: 'chart-legend' },
      CLASSES.map((c) =>
        h(
          'span',
          {},
          h('span', { class: 'swatch', 'data-colour': CLASS_COLOURS[c] }),
          ` ${t(`category.${c}` as StringKey)}`,
        ),
      ),
    ),
    any ? root : h('p', { class: 'hint' }, t('stats.noDetections')),
    h(
      'table',
      { class: 'sr-only' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', {}, t('stats.day')),
          CLASSES.map((c) => h('th', {}, `${t(`category.${c}` as StringKey)} (${t('stats.confirmed')})`)),
        ),
      ),
      h(
        'tbody',
        {},
        days
          .filter((d) => total(d) > 0)
          .map((d) =>
            h(
              'tr',
              {},
              h('th', {}, d.day),
              CLASSES.map((c) => h('td', {}, `${d[c].n} (${d[c].ok})`)),
            ),
          ),
      ),
    ),
  );
}
