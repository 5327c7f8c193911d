/**
 * 研判 Review: the officer's queue of drone-found incidents waiting for a decision (待研判) — the best photo with
 * every box the model drew on it, a mini-map with the ground position, the ground footprint of the finding and where
 * the camera was, and the decisions confirm (file a case) / reject (with a reason) / change class, by button or
 * keyboard, with previous and next. The queue follows the service's cursor paging beyond its first page.
 */
import type { GeoJSONSource, LngLatBoundsLike } from 'maplibre-gl';
import * as api from '../api/client.ts';
import { CASE_CATEGORIES } from '../api/types.ts';
import { fmt, localize, t, type StringKey } from '../i18n.ts';
import { createMap } from '../map/create-map.ts';
import { navigate } from '../router.ts';
import { field, h, render } from '../ui/dom.ts';
import { showError, toast } from '../ui/feedback.ts';
import { filterFromQuery, filterToApi, filterToQuery, type ReviewFilter } from './review-filter.ts';
import { askRejectReason } from './review-reject.ts';
import { reviewKeyCommand, type ReviewCommand } from './review-keys.ts';
import type { View } from './view.ts';

const SVG = 'http://www.w3.org/2000/svg';
const category = (c: string) => t(`category.${c}` as StringKey);
const percent = (x: number) => `${Math.round(x * 100)}%`;

const view: View = async (root, ctx) => {
  let items: api.Incident[] = [];
  let total = 0;
  let cursor: string | null = null;
  let index = 0;
  let disposed = false;
  let busy = false;
  /** The detail of the incident on screen (loaded when it is selected). */
  let shown: { id: string; detail: api.IncidentDetail; image: api.Image | null } | null = null;
  let loadSeq = 0;
  const canDecide = ctx.user.roles.some((r) => r === 'officer' || r === 'dispatcher');
  /** The queue's filter, from the page URL (a filtered queue is a link to share). */
  const filter: ReviewFilter = filterFromQuery(ctx.route.query);
  /** Flights to filter by, newest first, named by drone and start time (loaded after the queue). */
  let flights: Array<{ id: string; label: string }> = [];

  const photo = h('div', { class: 'review-photo' });
  const mini = h('div', { class: 'review-minimap' });
  const info = h('div', { class: 'review-info', 'aria-live': 'polite' });
  const list = h('ol', { class: 'review-queue', 'aria-labelledby': 'review-queue-title' });
  const listTitle = h('h3', { id: 'review-queue-title', class: 'review-queue-title' }, t('review.queue'));
  const bar = h('div', { class: 'review-bar', role: 'toolbar', 'aria-label': t('review.title') });
  const filterBox = h('form', {
    class: 'review-filters',
    'aria-label': t('review.filters'),
    'data-testid': 'review-filters',
  });
  root.append(
    h(
      'section',
      { class: 'review', 'aria-label': t('review.title') },
      photo,
      h('aside', { class: 'review-side' }, mini, info, filterBox, listTitle, list),
      bar,
    ),
  );
  const handle = await createMap(mini, { onRestyle: () => addLayers() });
  const { map } = handle;
  const emptyFc: GeoJSON.FeatureCollection = { type: 'FeatureCollection', features: [] };
  let spot: GeoJSON.FeatureCollection = emptyFc;
  function addLayers(): void {
    map.addSource('spot', { type: 'geojson', data: spot });
    map.addLayer({
      id: 'spot-footprint',
      type: 'fill',
      source: 'spot',
      filter: ['==', ['geometry-type'], 'Polygon'],
      paint: { 'fill-color': '#ffb300', 'fill-opacity': 0.35, 'fill-outline-color': '#e65100' },
    });
    map.addLayer({
      id: 'spot-camera',
      type: 'circle',
      source: 'spot',
      filter: ['==', ['get', 'kind'], 'camera'],
      paint: { 'circle-radius': 5, 'circle-color': '#1565c0', 'circle-stroke-color': '#fff', 'circle-stroke-width': 2 },
    });
    map.addLayer({
      id: 'spot-point',
      type: 'circle',
      source: 'spot',
      filter: ['==', ['get', 'kind'], 'incident'],
      paint: { 'circle-radius': 7, 'circle-color': '#d81b60', 'circle-stroke-color': '#fff', 'circle-stroke-width': 2 },
    });
  }
  await handle.ready;
  if (disposed) return () => {};
  addLayers();

  const shortcuts = () =>
    h(
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

  const button = (label: string, cmd: ReviewCommand, opts: { primary?: boolean; enabled: boolean; key?: string }) =>
    h(
      'button',
      {
        type: 'button',
        class: `btn${opts.primary ? ' btn-primary' : ''}`,
        disabled: !opts.enabled || busy,
        'data-command': opts.key ?? cmd.kind,
        onclick: () => void run(cmd),
      },
      label,
    );

  function paintBar(): void {
    const item = items[index];
    const decide = !!item && canDecide && item.reviewState === 'to_review';
    render(
      bar,
      button(t('review.prev'), { kind: 'prev' }, { enabled: index > 0 }),
      button(t('review.next'), { kind: 'next' }, { enabled: index < items.length - 1 || !!cursor }),
      h('span', { class: 'muted' }, item ? t('review.position', { i: index + 1, n: total }) : ''),
      h('span', { class: 'spacer' }),
      button(t('review.confirm'), { kind: 'confirm' }, { primary: true, enabled: decide }),
      button(t('review.reject'), { kind: 'reject' }, { enabled: decide }),
      CASE_CATEGORIES.map((c, i) =>
        button(
          `${i + 1} ${category(c)}`,
          { kind: 'reclass', className: c },
          { enabled: decide && item?.class !== c, key: `class-${c}` },
        ),
      ),
    );
  }

  function paintList(): void {
    listTitle.textContent = `${t('review.queue')} · ${
      filter.state === 'to_review' ? t('review.waiting', { n: total }) : t('review.matching', { n: total })
    }`;
    render(
      list,
      items.map((it, i) =>
        h(
          'li',
          {},
          h(
            'button',
            {
              type: 'button',
              class: `review-queue-item${i === index ? ' active' : ''}`,
              'aria-current': i === index ? 'true' : null,
              'data-incident': it.id,
              onclick: () => void select(i),
            },
            h('b', {}, category(it.class)),
            ` ${percent(it.confidence)} · ${fmt.dateTime(it.lastSeenAt, true)}`,
            filter.state === 'to_review' ? null : ` · ${t(`review.state.${it.reviewState}` as StringKey)}`,
          ),
        ),
      ),
      cursor
        ? h(
            'li',
            {},
            h('button', { type: 'button', class: 'btn btn-small', onclick: () => void more() }, t('review.loadMore')),
          )
        : null,
    );
  }

  function paintEmpty(): void {
    render(photo, h('p', {}, t('review.empty')));
    render(
      info,
      h('h2', {}, t('review.title')),
      h('p', { class: 'hint' }, t('review.empty')),
      h('h3', {}, t('review.shortcuts')),
      shortcuts(),
    );
    setSpot(emptyFc);
  }

  function setSpot(fc: GeoJSON.FeatureCollection): void {
    spot = fc;
    (map.getSource('spot') as GeoJSONSource | undefined)?.setData(fc);
  }

  /** The photo, scaled to fit, with the boxes drawn over it in the photo's own pixel frame (an SVG viewBox). */
  function photoWithBoxes(det: api.Detection, all: api.Detection[]): HTMLElement {
    const w = det.imageWidthPx;
    const hh = det.imageHeightPx;
    const src = det.urls.thumbnail.includes('?') ? det.urls.thumbnail : `${det.urls.thumbnail}?size=1024`;
    const img = h('img', {
      src,
      alt: `${t('review.photo')}: ${category(det.class)} ${percent(det.score)}`,
      'data-testid': 'review-image',
    });
    const frame = h('figure', { class: 'review-frame' }, img);
    if (w && hh) {
      const svg = document.createElementNS(SVG, 'svg');
      svg.setAttribute('viewBox', `0 0 ${w} ${hh}`);
      svg.setAttribute('preserveAspectRatio', 'none');
      svg.setAttribute('class', 'review-boxes');
      svg.setAttribute('aria-hidden', 'true');
      for (const d of all.filter((x) => x.imageSha256 === det.imageSha256)) {
        const [x, y, bw, bh] = d.bboxPx;
        const g = document.createElementNS(SVG, 'g');
        g.setAttribute('class', `review-box review-box-${d.class}${d.id === det.id ? ' best' : ''}`);
        const r = document.createElementNS(SVG, 'rect');
        for (const [k, v] of Object.entries({ x, y, width: bw, height: bh })) r.setAttribute(k, String(v));
        r.setAttribute('vector-effect', 'non-scaling-stroke');
        const label = document.createElementNS(SVG, 'text');
        label.setAttribute('x', String(x));
        label.setAttribute('y', String(Math.max(0, y - hh * 0.01)));
        label.setAttribute('font-size', String(Math.round(hh * 0.035)));
        label.textContent = `${category(d.class)} ${percent(d.score)}`;
        g.append(r, label);
        svg.append(g);
      }
      frame.append(svg);
      frame.dataset.boxes = String(svg.childElementCount);
    }
    return frame;
  }

  function paintShown(): void {
    const item = items[index];
    if (!item) return paintEmpty();
    if (!shown || shown.id !== item.id) {
      render(photo, h('p', { class: 'loading' }, t('loading')));
      return;
    }
    const { detail, image } = shown;
    const best = detail.detections.find((d) => d.id === detail.bestDetectionId) ?? detail.detections[0];
    render(photo, best ? photoWithBoxes(best, detail.detections) : h('p', {}, t('review.noPhoto')));
    render(
      info,
      h('h2', {}, category(detail.class), ' ', h('small', { class: 'muted' }, detail.id)),
      detail.originalClass
        ? h('p', { class: 'hint' }, t('review.modelSaid', { c: category(detail.originalClass) }))
        : null,
      h(
        'dl',
        { class: 'facts' },
        h('dt', {}, t('review.confidence')),
        h('dd', {}, percent(detail.confidence)),
        h('dt', {}, t('review.seen')),
        h('dd', {}, fmt.dateTime(detail.lastSeenAt, true)),
        h('dt', {}, t('review.location')),
        h(
          'dd',
          {},
          `${detail.position.coordinates[1].toFixed(5)}, ${detail.position.coordinates[0].toFixed(5)}`,
          best?.errorM != null ? h('br') : null,
          best?.errorM != null ? t('review.errorM', { m: Math.round(best.errorM) }) : null,
        ),
        h('dt', {}, t('review.photo')),
        h('dd', {}, t('review.photos', { p: detail.photoCount, d: detail.detectionCount })),
      ),
      best
        ? h('p', {}, h('a', { href: best.urls.image, target: '_blank', rel: 'noopener' }, `${t('review.photo')} ↗`))
        : null,
      h('h3', {}, t('review.shortcuts')),
      shortcuts(),
    );
    const features: GeoJSON.Feature[] = [];
    if (detail.groundPolygon)
      features.push({ type: 'Feature', geometry: detail.groundPolygon, properties: { kind: 'footprint' } });
    if (image?.location) features.push({ type: 'Feature', geometry: image.location, properties: { kind: 'camera' } });
    features.push({ type: 'Feature', geometry: detail.position, properties: { kind: 'incident' } });
    setSpot({ type: 'FeatureCollection', features });
    const pts: [number, number][] = [[...detail.position.coordinates] as [number, number]];
    if (image?.location) pts.push([...image.location.coordinates] as [number, number]);
    for (const ring of detail.groundPolygon?.coordinates ?? []) for (const p of ring) pts.push([p[0]!, p[1]!]);
    const lons = pts.map((p) => p[0]);
    const lats = pts.map((p) => p[1]);
    const bounds: LngLatBoundsLike = [
      [Math.min(...lons), Math.min(...lats)],
      [Math.max(...lons), Math.max(...lats)],
    ];
    map.fitBounds(bounds, { padding: 40, maxZoom: 17, duration: 0 });
  }

  function paint(): void {
    paintBar();
    paintList();
    paintShown();
  }

  async function select(i: number): Promise<void> {
    index = Math.max(0, Math.min(items.length - 1, i));
    const item = items[index];
    paint();
    if (!item) return;
    if (index >= items.length - 3 && cursor) void more();
    const seq = ++loadSeq;
    try {
      const detail = await api.incident(item.id);
      const best = detail.detections.find((d) => d.id === detail.bestDetectionId) ?? detail.detections[0];
      const image = best ? await api.image(best.imageSha256).catch(() => null) : null;
      if (seq !== loadSeq || disposed) return;
      shown = { id: item.id, detail, image };
      paintShown();
    } catch (err) {
      if (seq === loadSeq) showError(err, () => void select(index));
    }
  }

  let loadingMore: Promise<void> | null = null;
  function more(): Promise<void> {
    if (!cursor) return Promise.resolve();
    loadingMore ??= api
      .incidents({ ...filterToApi(filter), cursor })
      .then((page) => {
        const known = new Set(items.map((x) => x.id));
        items.push(...page.items.filter((x) => !known.has(x.id)));
        cursor = page.nextCursor;
        total = page.total;
        paintBar();
        paintList();
      })
      .catch((err: unknown) => showError(err, () => void more()))
      .finally(() => (loadingMore = null));
    return loadingMore;
  }

  /** The incident left the queue (decided): drop it and show the one now in its place. */
  function removeCurrent(): void {
    items.splice(index, 1);
    total = Math.max(0, total - 1);
    shown = null;
    if (!items.length) {
      index = 0;
      paint();
      if (cursor)
        void more().then(() => {
          if (items.length) void select(0);
        });
      return;
    }
    void select(Math.min(index, items.length - 1));
  }

  async function run(cmd: ReviewCommand): Promise<void> {
    if (cmd.kind === 'next') {
      if (index >= items.length - 1 && cursor) await more();
      return select(index + 1);
    }
    if (cmd.kind === 'prev') return select(index - 1);
    const item = items[index];
    if (!item || busy || !canDecide) return;
    if (cmd.kind === 'reclass' && cmd.className === item.class) return;
    let reason: { reason: api.RejectReason; note: string } | null = null;
    if (cmd.kind === 'reject') {
      reason = await askRejectReason();
      if (!reason) return;
    }
    busy = true;
    paintBar();
    try {
      if (cmd.kind === 'confirm') {
        const r = await api.confirmIncident(item.id);
        const id = r.caseId ?? '';
        toast(t(r.outcome === 'created' ? 'review.filed' : 'review.attached', { id }), {
          kind: 'ok',
          timeoutMs: 8000,
          action: id
            ? { label: t('review.openCase'), run: () => navigate(`/cases/${encodeURIComponent(id)}`) }
            : undefined,
        });
        removeCurrent();
      } else if (cmd.kind === 'reject') {
        await api.rejectIncident(item.id, reason!.reason, reason!.note || undefined);
        toast(t('review.rejected'), { kind: 'ok' });
        removeCurrent();
      } else if (cmd.kind === 'reclass') {
        const r = await api.changeIncidentClass(item.id, cmd.className);
        items[index] = r.incident;
        toast(t('review.reclassed', { c: category(cmd.className) }), { kind: 'ok' });
        shown = null;
        void select(index);
      }
    } catch (err) {
      if (err instanceof api.ApiError) {
        toast(localize(err.message), { kind: 'error' });
        // Someone else decided it first: it is no longer in the queue.
        if (err.status === 409 || err.status === 404) removeCurrent();
      } else showError(err);
    } finally {
      busy = false;
      paintBar();
    }
  }

  const onKey = (e: KeyboardEvent) => {
    const target = e.target as HTMLElement;
    if (e.ctrlKey || e.metaKey || e.altKey || target.closest('input, textarea, select, [contenteditable], dialog'))
      return;
    if ((target.tagName === 'BUTTON' || target.tagName === 'A') && e.key === 'Enter') return; // Enter presses it
    const cmd = reviewKeyCommand(e.key);
    if (!cmd) return;
    e.preventDefault();
    void run(cmd);
  };
  document.addEventListener('keydown', onKey);

  function paintFilters(): void {
    const stateSel = h(
      'select',
      { name: 'state' },
      (['to_review', 'confirmed', 'rejected', 'auto_filed', 'all'] as const).map((st) =>
        h('option', { value: st, selected: st === filter.state }, t(`review.state.${st}` as StringKey)),
      ),
    );
    const classSel = h(
      'select',
      { name: 'class' },
      h('option', { value: '' }, t('review.allClasses')),
      CASE_CATEGORIES.map((c) => h('option', { value: c, selected: c === filter.class }, category(c))),
    );
    const minInput = h('input', {
      name: 'minScore',
      type: 'number',
      min: 0,
      max: 100,
      step: 5,
      value: Math.round(filter.minScore * 100),
    });
    const flightSel = h(
      'select',
      { name: 'flightId' },
      h('option', { value: '' }, t('review.allFlights')),
      filter.flightId && !flights.some((f) => f.id === filter.flightId)
        ? h('option', { value: filter.flightId, selected: true }, filter.flightId)
        : null,
      flights.map((f) => h('option', { value: f.id, selected: f.id === filter.flightId }, f.label)),
    );
    const apply = () => {
      const pct = Number(minInput.value);
      if (minInput.value !== '' && (!Number.isFinite(pct) || pct < 0 || pct > 100)) {
        minInput.setAttribute('aria-invalid', 'true');
        return;
      }
      minInput.removeAttribute('aria-invalid');
      filter.state = stateSel.value as ReviewFilter['state'];
      filter.class = classSel.value as ReviewFilter['class'];
      filter.minScore = minInput.value === '' ? 0 : pct / 100;
      filter.flightId = flightSel.value;
      navigate(`/review${filterToQuery(filter)}`, { replace: true, silent: true });
      void reload();
    };
    for (const el of [stateSel, classSel, flightSel]) el.addEventListener('change', apply);
    minInput.addEventListener('change', apply);
    filterBox.onsubmit = (e) => {
      e.preventDefault();
      apply();
    };
    render(
      filterBox,
      h('div', { class: 'row' }, field(t('review.filterState'), stateSel), field(t('review.filterClass'), classSel)),
      h(
        'div',
        { class: 'row' },
        field(t('review.filterMinScore'), minInput),
        field(t('review.filterFlight'), flightSel),
      ),
    );
  }

  /** Loads the queue's first page for the current filter and shows its first incident. */
  let reloadSeq = 0;
  async function reload(): Promise<void> {
    const seq = ++reloadSeq;
    shown = null;
    try {
      const page = await api.incidents({ ...filterToApi(filter), cursor: null });
      if (seq !== reloadSeq || disposed) return;
      items = page.items;
      total = page.total;
      cursor = page.nextCursor;
    } catch (err) {
      if (seq !== reloadSeq) return;
      items = [];
      total = 0;
      cursor = null;
      showError(err, () => void reload());
    }
    index = 0;
    if (items.length) void select(0);
    else paint();
  }

  paintFilters();
  await reload();
  void loadFlights();

  /** The flights of every drone the user sees, newest first (the flight filter's choices). */
  async function loadFlights(): Promise<void> {
    try {
      const ds = await api.drones();
      const per = await Promise.all(
        ds.map((d) =>
          api
            .droneFlights(d.id)
            .then((fs) => fs.map((f) => ({ ...f, drone: d.name })))
            .catch(() => []),
        ),
      );
      flights = per
        .flat()
        .sort((a, b) => b.startedAt.localeCompare(a.startedAt))
        .slice(0, 200)
        .map((f) => ({ id: f.id, label: `${f.drone} · ${fmt.dateTime(f.startedAt)}` }));
      if (!disposed) paintFilters();
    } catch {
      // the filter still takes a flight from the URL; the list of choices is a convenience
    }
  }

  return () => {
    disposed = true;
    document.removeEventListener('keydown', onKey);
    handle.dispose();
  };
};

export default view;
