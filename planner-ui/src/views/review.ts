/**
 * 研判 Review: the officer's queue of flagged photos — the photo with its boxes, a mini-map with the ground position
 * and footprint, confirm / reject / change class, keyboard shortcuts, previous and next. The queue API arrives with
 * issue 19.2: until then `reviewQueuePlaceholder` answers "not available" and the page says so.
 */
import type { GeoJSONSource } from 'maplibre-gl';
import * as api from '../api/client.ts';
import { CASE_CATEGORIES, type ReviewItem } from '../api/types.ts';
import { localize, t, type StringKey } from '../i18n.ts';
import { createMap } from '../map/create-map.ts';
import { h, render } from '../ui/dom.ts';
import { showError, toast } from '../ui/feedback.ts';
import type { View } from './view.ts';
import { reviewKeyCommand, type ReviewCommand } from './review-keys.ts';

const view: View = async (root) => {
  let items: ReviewItem[] = [];
  let available = false;
  let index = 0;
  let disposed = false;

  const photo = h('div', { class: 'review-photo', 'aria-label': t('review.photo'), role: 'img' });
  const mini = h('div', { class: 'review-minimap' });
  const info = h('div', { class: 'review-info', 'aria-live': 'polite' });
  const bar = h('div', { class: 'review-bar', role: 'toolbar', 'aria-label': t('review.title') });
  root.append(
    h(
      'section',
      { class: 'review', 'aria-label': t('review.title') },
      photo,
      h('aside', { class: 'review-side' }, mini, info),
      bar,
    ),
  );
  const handle = await createMap(mini, { onRestyle: () => addLayers() });
  const { map } = handle;
  const emptyFc: GeoJSON.FeatureCollection = { type: 'FeatureCollection', features: [] };
  function addLayers(): void {
    map.addSource('spot', { type: 'geojson', data: emptyFc });
    map.addLayer({
      id: 'spot-footprint',
      type: 'fill',
      source: 'spot',
      filter: ['==', ['geometry-type'], 'Polygon'],
      paint: { 'fill-color': '#ffb300', 'fill-opacity': 0.3 },
    });
    map.addLayer({
      id: 'spot-point',
      type: 'circle',
      source: 'spot',
      filter: ['==', ['geometry-type'], 'Point'],
      paint: { 'circle-radius': 7, 'circle-color': '#d81b60', 'circle-stroke-color': '#fff', 'circle-stroke-width': 2 },
    });
  }
  await handle.ready;
  if (disposed) return () => {};
  addLayers();

  const button = (label: StringKey, cmd: ReviewCommand, primary = false) =>
    h(
      'button',
      {
        type: 'button',
        class: `btn ${primary ? 'btn-primary' : ''}`,
        disabled: !items.length,
        onclick: () => void run(cmd),
      },
      t(label),
    );

  function paint(): void {
    const item = items[index];
    render(
      bar,
      button('review.prev', { kind: 'prev' }),
      button('review.next', { kind: 'next' }),
      h('span', { class: 'muted' }, items.length ? t('review.position', { i: index + 1, n: items.length }) : ''),
      h('span', { style: null }),
      button('review.confirm', { kind: 'confirm' }, true),
      button('review.reject', { kind: 'reject' }),
      CASE_CATEGORIES.map((c, i) =>
        h(
          'button',
          {
            type: 'button',
            class: 'btn',
            disabled: !items.length,
            onclick: () => void run({ kind: 'reclass', className: c }),
          },
          `${i + 1} ${t(`category.${c}` as StringKey)}`,
        ),
      ),
    );
    const shortcuts = h(
      'dl',
      { class: 'shortcuts' },
      [
        ['Y / Enter', t('review.confirm')],
        ['N / Delete', t('review.reject')],
        ['1 2 3', t('review.reclass')],
        ['J / →', t('review.next')],
        ['K / ←', t('review.prev')],
      ].flatMap(([k, v]) => [h('dt', {}, h('kbd', {}, k!)), h('dd', {}, v!)]),
    );
    if (!item) {
      render(photo, h('p', {}, available ? t('review.empty') : t('review.unavailable')));
      render(
        info,
        h('h2', {}, t('review.title')),
        h('p', { class: available ? 'hint' : 'form-error' }, available ? t('review.empty') : t('review.unavailable')),
        h('h3', {}, t('review.shortcuts')),
        shortcuts,
      );
      (map.getSource('spot') as GeoJSONSource | undefined)?.setData(emptyFc);
      return;
    }
    const img = h('img', {
      src: item.imageUrl,
      alt: `${t(`category.${item.className}` as StringKey)} ${Math.round(item.score * 100)}%`,
    });
    const frame = h('div', { class: 'review-frame' }, img);
    frame.style.position = 'relative';
    img.addEventListener('load', () => {
      const sx = img.clientWidth / item.imageSize[0];
      const sy = img.clientHeight / item.imageSize[1];
      for (const b of item.boxes) {
        const el = h('div', { class: 'review-box', title: `${b.className} ${Math.round(b.score * 100)}%` });
        Object.assign(el.style, {
          left: `${b.box[0] * sx}px`,
          top: `${b.box[1] * sy}px`,
          width: `${b.box[2] * sx}px`,
          height: `${b.box[3] * sy}px`,
        });
        frame.append(el);
      }
    });
    render(photo, frame);
    render(
      info,
      h('h2', {}, t(`category.${item.className}` as StringKey)),
      h('p', {}, `${Math.round(item.score * 100)}%`),
      h('h3', {}, t('review.shortcuts')),
      shortcuts,
    );
    const features: GeoJSON.Feature[] = [];
    if (item.footprint) features.push({ type: 'Feature', geometry: item.footprint, properties: {} });
    if (item.groundPoint)
      features.push({ type: 'Feature', geometry: { type: 'Point', coordinates: item.groundPoint }, properties: {} });
    (map.getSource('spot') as GeoJSONSource | undefined)?.setData({ type: 'FeatureCollection', features });
    if (item.groundPoint) map.jumpTo({ center: item.groundPoint, zoom: 15 });
  }

  async function run(cmd: ReviewCommand): Promise<void> {
    const item = items[index];
    if (cmd.kind === 'next') index = Math.min(items.length - 1, index + 1);
    else if (cmd.kind === 'prev') index = Math.max(0, index - 1);
    else if (item) {
      try {
        await api.reviewDecisionPlaceholder(
          item.id,
          cmd.kind === 'reclass' ? { action: 'reclass', className: cmd.className } : { action: cmd.kind },
        );
        items.splice(index, 1);
        index = Math.min(index, items.length - 1);
      } catch (err) {
        if (err instanceof api.ApiError) toast(localize(err.message), { kind: 'error' });
        else showError(err);
      }
    }
    paint();
  }

  const onKey = (e: KeyboardEvent) => {
    const target = e.target as HTMLElement;
    if (e.ctrlKey || e.metaKey || e.altKey || target.closest('input, textarea, select, [contenteditable], dialog'))
      return;
    if (target.tagName === 'BUTTON' && e.key === 'Enter') return; // Enter on a focused button presses that button
    const cmd = reviewKeyCommand(e.key);
    if (!cmd) return;
    e.preventDefault();
    void run(cmd);
  };
  document.addEventListener('keydown', onKey);

  try {
    const q = await api.reviewQueuePlaceholder();
    available = q.available;
    items = q.items;
  } catch (err) {
    showError(err);
  }
  paint();

  return () => {
    disposed = true;
    document.removeEventListener('keydown', onKey);
    handle.dispose();
  };
};

export default view;
