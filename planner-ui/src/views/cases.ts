/**
 * 案件 Cases: the dispatcher's map of cases (clustered, coloured by state, ringed by SLA urgency), a list with live
 * SLA countdowns and filters, and the case detail with its audit timeline and exactly the actions the role allows.
 */
import type { GeoJSONSource, MapLayerMouseEvent } from 'maplibre-gl';
import * as api from '../api/client.ts';
import { CASE_MAP_IDS_MAX } from '@xuncha/mission-service/contract';
import {
  CASE_CATEGORIES,
  CASE_STATES,
  type CaseDetail,
  type CasePin,
  type CaseState,
  type CaseView,
} from '../api/types.ts';
import { currentLang, fmt, hasString, localize, t, type StringKey } from '../i18n.ts';
import { createMap } from '../map/create-map.ts';
import { CASE_RULES, caseActionsFor, hasRole, type CaseAction } from '../roles.ts';
import { navigate } from '../router.ts';
import { field, h, render } from '../ui/dom.ts';
import { askConfirm, showError, toast, withButton } from '../ui/feedback.ts';
import { caseLayers, selectedFilter, SLA_RING, STATE_COLOURS } from './case-layers.ts';
import { patchPins } from './case-pins.ts';
import { currentDue, formatSpan, instantMs, slaLevel, type SlaLevel } from './sla.ts';
import type { View } from './view.ts';

/** A label that may be unknown to this version of the app (new event kinds, sources): the raw value then. */
const tr = (key: string, raw: string): string => (hasString(key) ? t(key) : raw);

const OPEN: CaseState[] = ['new', 'accepted', 'dispatched', 'in_progress'];
const LIST_PAGE = 200;
/** How long typing rests before the search asks the service (a request per keystroke would pile up). */
const SEARCH_REST_MS = 300;
/** How long the change stream's events gather before one look-up of the changed cases (a burst is one request). */
const CHANGES_REST_MS = 400;
/** Full reloads while the change stream is down (with it up, each change comes as it happens). */
const POLL_MS = 120_000;
/** How often the pins' SLA rings are brought up to the clock (a pin turns "due soon" or overdue on its own). */
const SLA_REPAINT_MS = 30_000;

/** A full case as the map and list hold it. */
const pinOf = (c: CaseView): CasePin => ({
  id: c.id,
  state: c.state,
  category: c.category,
  severity: c.severity,
  point: c.point,
  createdAt: c.createdAt,
  acceptedAt: c.acceptedAt,
  dispatchedAt: c.dispatchedAt,
  acceptDueAt: c.acceptDueAt,
  dispatchDueAt: c.dispatchDueAt,
  resolveDueAt: c.resolveDueAt,
});

const view: View = async (root, ctx) => {
  let cases: CasePin[] = [];
  /** Cases matching the filter on the service (more than `cases` holds when the answer was truncated). */
  let total = 0;
  let selectedId: string | null = ctx.route.params[0] ?? null;
  let detail: CaseDetail | null = null;
  let disposed = false;
  let shown = LIST_PAGE;
  const filter = { state: 'open' as string, category: '', text: '' };
  /** The states the state filter asks for; undefined: every state. */
  const filterStates = (): CaseState[] | undefined =>
    filter.state === 'all' ? undefined : filter.state === 'open' ? OPEN : [filter.state as CaseState];
  /** Department names by id (the case and its events carry ids; people read names). */
  let departments = new Map<string, { name: string; nameEn: string | null }>();
  const deptName = (id: string | null): string => {
    if (!id) return '—';
    const d = departments.get(id);
    return d ? (currentLang() === 'en' && d.nameEn ? d.nameEn : d.name) : id;
  };

  const side = h('aside', { class: 'side cases-side', 'aria-label': t('cases.title') });
  const mapEl = h('div', { class: 'map' });
  const detailEl = h('aside', {
    class: 'side right case-detail',
    'aria-label': t('cases.detail'),
    'aria-live': 'polite',
  });
  root.append(side, mapEl, detailEl);
  const legend = h(
    'div',
    { class: 'legend' },
    h('strong', {}, t('map.legend')),
    h(
      'ul',
      {},
      OPEN.map((s) => h('li', {}, h('span', { class: 'swatch dot', 'data-colour': s }), t(`state.${s}` as StringKey))),
    ),
    h(
      'ul',
      {},
      (['overdue', 'soon'] as const).map((l) =>
        h('li', {}, h('span', { class: 'swatch dot ring', 'data-ring': l }), t(`cases.legend.${l}` as StringKey)),
      ),
    ),
  );
  for (const el of legend.querySelectorAll<HTMLElement>('[data-colour]'))
    el.style.background = STATE_COLOURS[el.dataset.colour as CaseState];
  for (const el of legend.querySelectorAll<HTMLElement>('[data-ring]')) {
    el.style.background = '#fff';
    el.style.border = `3px solid ${SLA_RING[el.dataset.ring as 'overdue' | 'soon']}`;
  }
  mapEl.append(legend);

  const handle = await createMap(mapEl, { onRestyle: () => addCaseLayers() });
  const { map } = handle;

  // The service filters (the text too); this repeats state and category so that a case moved out of the filter
  // here leaves the map at once, not at the next reload.
  const inFilter = (c: CasePin, states = filterStates()): boolean =>
    (!states || states.includes(c.state)) && (!filter.category || c.category === filter.category);
  const visible = (): CasePin[] => {
    const states = filterStates();
    return cases.filter((c) => inFilter(c, states));
  };

  /** The SLA level each pin on the map was drawn with (to repaint only the pins whose level the clock changed). */
  const paintedSla = new Map<string, SlaLevel>();
  function feature(c: CasePin, now: number): GeoJSON.Feature<GeoJSON.Point> {
    const sla = slaLevel(c, now);
    paintedSla.set(c.id, sla);
    return {
      type: 'Feature',
      geometry: { type: 'Point', coordinates: c.point },
      properties: { id: c.id, state: c.state, sla, urgent: c.severity === 'urgent' },
    };
  }
  function geojson(now = Date.now()): GeoJSON.FeatureCollection {
    paintedSla.clear();
    return { type: 'FeatureCollection', features: visible().map((c) => feature(c, now)) };
  }

  function addCaseLayers(): void {
    map.addSource('cases', {
      type: 'geojson',
      data: geojson(),
      // Features are known by their case id: a live change sends the map's worker that pin alone (updateData).
      promoteId: 'id',
      cluster: true,
      clusterRadius: 45,
      // Tiles stop at 15 (points are exact in a z15 tile): zooming in further draws the z15 tiles larger instead of
      // making new ones in the worker and uploading them mid-animation (the long frames of a zoom).
      clusterMaxZoom: 15,
      // The default tile buffer stays: a 40 px one (clusters reach 32 px from their centre) measured no different
      // (planner-ui/README.md).
      clusterProperties: {
        overdue: ['+', ['case', ['==', ['get', 'sla'], 'overdue'], 1, 0]],
        soon: ['+', ['case', ['==', ['get', 'sla'], 'soon'], 1, 0]],
      },
    });
    for (const layer of caseLayers(selectedId)) map.addLayer(layer);
  }

  const mapReady = handle.ready.then(() => {
    if (disposed) return;
    addCaseLayers();
    wireMap();
  });
  function wireMap(): void {
    map.on('click', 'case-clusters', async (e: MapLayerMouseEvent) => {
      const f = e.features?.[0];
      if (!f) return;
      const zoom = await (map.getSource('cases') as GeoJSONSource).getClusterExpansionZoom(
        f.properties!.cluster_id as number,
      );
      map.easeTo({ center: (f.geometry as GeoJSON.Point).coordinates as [number, number], zoom });
    });
    map.on('click', 'case-points', (e: MapLayerMouseEvent) => {
      const id = e.features?.[0]?.properties?.id as string | undefined;
      if (id) select(id);
    });
    for (const l of ['case-clusters', 'case-points']) {
      map.on('mouseenter', l, () => (map.getCanvas().style.cursor = 'pointer'));
      map.on('mouseleave', l, () => (map.getCanvas().style.cursor = ''));
    }
  }
  const casesSource = () => map.getSource('cases') as GeoJSONSource | undefined;
  const paintSelection = () => {
    if (map.getLayer('case-selected')) map.setFilter('case-selected', selectedFilter(selectedId));
  };
  /** Every pin anew (a new answer or filter). */
  const refreshMap = () => {
    casesSource()?.setData(geojson());
    paintSelection();
  };
  /**
   * Only the pins of `ids` (as `cases` now holds them) go to the map: changed ones are replaced, ones gone or out of
   * the filter removed. With 10,000 pins this sends a handful of features to the worker instead of all of them.
   */
  function updatePins(ids: Iterable<string>): void {
    const src = casesSource();
    if (!src) return;
    const wanted = new Set(ids);
    const now = Date.now();
    const states = filterStates();
    const add = cases.filter((c) => wanted.has(c.id) && inFilter(c, states)).map((c) => feature(c, now));
    for (const f of add) wanted.delete(f.properties!.id as string);
    for (const id of wanted) paintedSla.delete(id);
    if (add.length || wanted.size) void src.updateData({ remove: [...wanted], add });
  }

  // ── list ──────────────────────────────────────────────────────────────────────────────────────────
  const listEl = h('ul', { class: 'list', 'aria-label': t('cases.title') });
  const countEl = h('p', { class: 'hint', 'aria-live': 'polite' });
  const stateSel = h(
    'select',
    { onchange: () => ((filter.state = stateSel.value), (shown = LIST_PAGE), refresh(), void load()) },
    h('option', { value: 'open' }, t('cases.openStates')),
    h('option', { value: 'all' }, t('cases.allStates')),
    CASE_STATES.map((s) => h('option', { value: s }, t(`state.${s}` as StringKey))),
  );
  const catSel = h(
    'select',
    { onchange: () => ((filter.category = catSel.value), (shown = LIST_PAGE), refresh(), void load()) },
    h('option', { value: '' }, t('cases.allCategories')),
    CASE_CATEGORIES.map((c) => h('option', { value: c }, t(`category.${c}` as StringKey))),
  );
  const search = h('input', { type: 'search', placeholder: t('cases.search'), 'aria-label': t('cases.search') });
  let searchTimer: ReturnType<typeof setTimeout> | undefined;
  search.addEventListener('input', () => {
    filter.text = search.value;
    shown = LIST_PAGE;
    clearTimeout(searchTimer);
    searchTimer = setTimeout(() => void load(), SEARCH_REST_MS);
  });
  render(
    side,
    h('h2', {}, t('cases.title')),
    h('div', { class: 'row' }, field(t('cases.state'), stateSel), field(t('cases.category'), catSel)),
    search,
    countEl,
    listEl,
  );

  const countdown = (c: CasePin, now: number): HTMLElement => {
    const due = currentDue(c);
    const el = h('span', {
      class: 'countdown',
      'data-due': due === null ? '' : new Date(instantMs(due)).toISOString(),
    });
    paintCountdown(el, c, now);
    return el;
  };
  function paintCountdown(el: HTMLElement, c: CasePin, now: number): void {
    const due = currentDue(c);
    if (due === null) {
      el.textContent = t('cases.noDue');
      el.className = 'countdown';
      return;
    }
    const left = instantMs(due) - now;
    const cls = `countdown ${slaLevel(c, now)}`;
    const text = left < 0 ? t('cases.overdue', { t: formatSpan(left) }) : t('cases.remaining', { t: formatSpan(left) });
    // Touch the DOM only for a change: every write lays out and repaints the list.
    if (el.className !== cls) el.className = cls;
    if (el.textContent !== text) el.textContent = text;
  }
  const byUrgency = (a: CasePin, b: CasePin) => {
    const da = currentDue(a);
    const db = currentDue(b);
    if (da !== null && db !== null) return instantMs(da) - instantMs(db);
    if (da !== null) return -1;
    if (db !== null) return 1;
    return instantMs(b.createdAt) - instantMs(a.createdAt);
  };
  const rowCases = new Map<HTMLElement, CasePin>();
  // Only the countdowns in sight tick (a list holds hundreds of rows; the map must keep its frames meanwhile).
  const inSight = new Set<HTMLElement>();
  const sight = new IntersectionObserver((entries) => {
    const now = Date.now();
    for (const e of entries) {
      const el = e.target as HTMLElement;
      if (!e.isIntersecting) inSight.delete(el);
      else {
        inSight.add(el);
        const c = rowCases.get(el);
        if (c) paintCountdown(el, c, now);
      }
    }
  });
  function renderList(): void {
    const now = Date.now();
    const list = visible().sort(byUrgency);
    // A truncated answer holds the newest cases of a larger filter: say how many there are.
    countEl.textContent = t('cases.count', {
      n: list.length === cases.length ? Math.max(total, list.length) : list.length,
    });
    sight.disconnect();
    inSight.clear();
    rowCases.clear();
    render(
      listEl,
      list.slice(0, shown).map((c) => {
        const cd = countdown(c, now);
        rowCases.set(cd, c);
        sight.observe(cd);
        return h(
          'li',
          { class: `list-item${c.id === selectedId ? ' selected' : ''}` },
          h(
            'button',
            { type: 'button', 'aria-current': c.id === selectedId ? 'true' : null, onclick: () => select(c.id) },
            h(
              'div',
              { class: 'case-row' },
              h('span', { class: 'id mono' }, c.id),
              h('span', { class: 'badge', 'data-state': c.state }, t(`state.${c.state}` as StringKey)),
              h(
                'span',
                {},
                t(`category.${c.category}` as StringKey),
                c.severity === 'urgent' ? h('span', { class: 'badge err' }, ` ${t('cases.urgent')}`) : null,
              ),
              cd,
            ),
          ),
        );
      }),
      list.length > shown
        ? h(
            'li',
            {},
            h(
              'button',
              { type: 'button', class: 'btn btn-block', onclick: () => ((shown += LIST_PAGE), renderList()) },
              `+${Math.min(LIST_PAGE, list.length - shown)}`,
            ),
          )
        : null,
    );
  }
  const tick = setInterval(() => {
    const now = Date.now();
    for (const el of inSight) {
      const c = rowCases.get(el);
      if (c) paintCountdown(el, c, now);
    }
    const d = detailEl.querySelector<HTMLElement>('.countdown');
    if (d && detail) paintCountdown(d, detail.case, now);
  }, 1000);

  function refresh(): void {
    renderList();
    refreshMap();
  }

  const currentFilter = () => ({
    states: filterStates(),
    category: filter.category || undefined,
    text: filter.text || undefined,
  });
  /** The request in flight: a newer one (another filter) aborts it, so an old answer never overwrites a new one. */
  let loading: AbortController | undefined;
  /** Counts full loads begun: a look-up of changed cases asked before the latest one began is stale. */
  let loads = 0;
  let fullLoadInFlight = false;

  /** Every case of the filter, for the map and the list, in one request. */
  async function load(): Promise<void> {
    loading?.abort();
    const ctl = (loading = new AbortController());
    loads++;
    fullLoadInFlight = true;
    try {
      const m = await api.caseMap(currentFilter(), ctl.signal);
      if (disposed || ctl.signal.aborted) return;
      fullLoadInFlight = false;
      cases = m.pins;
      total = m.total;
      refresh();
      // Changes that came while the answer was on its way may or may not be in it: look them up.
      if (changed.size) void lookUpChanged();
    } catch (err) {
      if (ctl === loading) fullLoadInFlight = false;
      if (disposed || (err as Error).name === 'AbortError') return;
      showError(err, () => void load());
    }
  }

  // Cases change under the dispatcher's eyes: the change stream names each changed case; the cases of a burst are
  // looked up in one small request within the filter, and their pins and rows change in place (the whole map is
  // loaded again only for a new filter, after the stream was down, or by the slow poll while it is down). The open
  // case is reloaded when someone else changed it.
  const changed = new Set<string>();
  let changesTimer: ReturnType<typeof setTimeout> | undefined;
  /** One look-up at a time: two answers about the same case could otherwise arrive in the wrong order. */
  let lookingUp = false;
  async function lookUpChanged(): Promise<void> {
    // A full answer on its way ends with this look-up (see load); so does the look-up in flight.
    if (!changed.size || fullLoadInFlight || lookingUp) return;
    if (changed.size > CASE_MAP_IDS_MAX) {
      changed.clear();
      return load();
    }
    const ids = [...changed];
    changed.clear();
    const asked = loads;
    lookingUp = true;
    let ok = false;
    try {
      const m = await api.caseMap({ ...currentFilter(), ids });
      ok = true;
      // A full load begun since (a new filter, a reconnect) carries these changes, under its own filter.
      if (disposed || asked !== loads) return;
      const r = patchPins(cases, ids, m.pins);
      cases = r.pins;
      total = Math.max(0, total + r.added - r.removed.length);
      renderList();
      updatePins(ids);
    } catch (err) {
      if (disposed) return;
      // The map stays as it was; the next change, a reconnect or the poll brings it up to date (no retry loop
      // against a service that is down).
      for (const id of ids) changed.add(id);
      console.warn('case look-up failed', err);
    } finally {
      lookingUp = false;
      if (ok && !disposed) void lookUpChanged();
    }
  }
  /** The stream dropped: events may have been missed, so the map is loaded whole once it is back. */
  let streamGap = false;
  let streamOpen = false;
  const closeChanges = api.changeStream(
    ['cases'],
    {
      case: (c) => {
        changed.add(c.caseId);
        clearTimeout(changesTimer);
        changesTimer = setTimeout(() => void lookUpChanged(), CHANGES_REST_MS);
        if (c.caseId === selectedId && c.actor !== ctx.user.id) void loadDetail(c.caseId, false);
      },
    },
    {
      onState: (state) => {
        streamOpen = state === 'open';
        if (state === 'reconnecting' || state === 'closed') streamGap = true;
        else if (state === 'open' && streamGap) {
          streamGap = false;
          changed.clear();
          void load();
        }
      },
    },
  );
  const poll = setInterval(() => {
    if (!streamOpen) void load();
  }, POLL_MS);
  // The clock moves pins from "ok" to "due soon" to overdue without any change event: repaint those pins alone.
  const slaRepaint = setInterval(() => {
    const now = Date.now();
    const states = filterStates();
    const due = cases.filter((c) => inFilter(c, states) && paintedSla.get(c.id) !== slaLevel(c, now));
    if (due.length) updatePins(due.map((c) => c.id));
  }, SLA_REPAINT_MS);
  void api
    .departments()
    .then((ds) => {
      departments = new Map(ds.map((d) => [d.id, d]));
      if (!disposed && detail) renderDetail();
    })
    .catch(() => {}); // ids stay readable without names

  // ── detail ────────────────────────────────────────────────────────────────────────────────────────
  function select(id: string): void {
    selectedId = id;
    navigate(`/cases/${encodeURIComponent(id)}`, { replace: true, silent: true });
    renderList();
    paintSelection();
    void loadDetail(id, true);
  }

  // Only the newest request paints: a reload prompted by the change stream may overlap an action's own reload.
  let detailRequest = 0;
  async function loadDetail(id: string, fly: boolean): Promise<void> {
    const request = ++detailRequest;
    // A reload of the case on screen keeps it (and its buttons) until the fresh answer replaces it.
    if (detail?.case.id !== id) render(detailEl, h('p', { class: 'loading' }, t('loading')));
    try {
      const fresh = await api.caseDetail(id);
      if (disposed || selectedId !== id || request !== detailRequest) return;
      detail = fresh;
      const i = cases.findIndex((c) => c.id === id);
      if (i >= 0) cases[i] = pinOf(detail.case);
      renderDetail();
      renderList();
      updatePins([id]);
      paintSelection();
      if (fly)
        void mapReady.then(
          () => !disposed && map.easeTo({ center: detail!.case.point, zoom: Math.max(map.getZoom(), 14) }),
        );
    } catch (err) {
      if (disposed || request !== detailRequest) return;
      render(
        detailEl,
        h('p', { class: 'form-error' }, err instanceof api.ApiError ? localize(err.message) : String(err)),
      );
    }
  }

  /** The evidence of a case: the crop of every detection of its drone-found incidents, each opening its photo. */
  function evidence(caseId: string): HTMLElement {
    const box = h(
      'div',
      { class: 'evidence', 'data-testid': 'case-evidence' },
      h('p', { class: 'loading' }, t('loading')),
    );
    api
      .caseIncidents(caseId)
      .then((incs) => {
        const dets = incs.flatMap((i) => i.detections);
        render(
          box,
          dets.length
            ? h(
                'ul',
                { class: 'evidence-list' },
                dets.slice(0, 24).map((d) =>
                  h(
                    'li',
                    {},
                    h(
                      'a',
                      { href: d.urls.image, target: '_blank', rel: 'noopener' },
                      h('img', {
                        src: d.urls.crop,
                        alt: `${t(`category.${d.class}` as StringKey)} ${Math.round(d.score * 100)}%`,
                        loading: 'lazy',
                      }),
                    ),
                  ),
                ),
              )
            : h('p', { class: 'hint' }, t('cases.noEvidence')),
        );
      })
      .catch((err: unknown) =>
        render(box, h('p', { class: 'form-error' }, err instanceof api.ApiError ? localize(err.message) : String(err))),
      );
    return box;
  }

  function renderDetail(): void {
    if (!detail) {
      render(detailEl, h('h2', {}, t('cases.detail')), h('p', { class: 'hint' }, t('cases.select')));
      return;
    }
    const c = detail.case;
    const actions = caseActionsFor(ctx.user, c);
    const canEscalate = hasRole(ctx.user, 'dispatcher', 'officer') && OPEN.includes(c.state);
    const row = (k: string, v: Node | string) => [h('dt', {}, k), h('dd', {}, v)];
    render(
      detailEl,
      h('h2', {}, t('cases.detail'), ' ', h('span', { class: 'mono' }, c.id)),
      h(
        'p',
        {},
        h('span', { class: 'badge', 'data-state': c.state }, t(`state.${c.state}` as StringKey)),
        ' ',
        countdown(c, Date.now()),
      ),
      h(
        'dl',
        { class: 'detail-grid' },
        row(t('cases.category'), t(`category.${c.category}` as StringKey)),
        row(t('cases.severity'), c.severity === 'urgent' ? t('cases.urgent') : t('cases.normal')),
        row(t('cases.source'), tr(`source.${c.source}`, c.source)),
        row(t('cases.department'), h('span', { 'data-testid': 'case-department' }, deptName(c.departmentId))),
        c.assistDepartmentIds.length
          ? row(t('cases.assist'), c.assistDepartmentIds.map((id) => deptName(id)).join('、'))
          : [],
        row(t('cases.created'), fmt.dateTime(c.createdAt)),
        c.resolveDueAt
          ? row(
              t('cases.resolveDue'),
              h(
                'span',
                { 'data-testid': 'case-resolve-due' },
                fmt.dateTime(c.resolveDueAt),
                c.resolveDueEstimated ? ` ${t('cases.dueEstimated')}` : '',
              ),
            )
          : [],
        row(t('cases.escalation'), String(c.escalationLevel)),
        c.address ? row(t('cases.address'), c.address) : [],
        c.description ? row(t('cases.note'), c.description) : [],
      ),
      h('h3', {}, t('cases.actions')),
      actions.length || canEscalate
        ? h(
            'div',
            { class: 'btn-row', 'data-testid': 'case-actions' },
            actions.map((a) => actionButton(c, a)),
            canEscalate ? escalateButton(c) : null,
          )
        : h('p', { class: 'hint' }, t('cases.noActions')),
      h('h3', { class: 'section' }, t('cases.evidence')),
      evidence(c.id),
      h('h3', { class: 'section' }, t('cases.timeline')),
      h(
        'ol',
        { class: 'timeline', 'data-testid': 'case-timeline' },
        detail.events.map((e) =>
          h(
            'li',
            {},
            h('strong', {}, e.action ? tr(`caseAction.${e.action}`, e.action) : tr(`event.${e.kind}`, e.kind)),
            ' ',
            e.fromState ? `${t(`state.${e.fromState}` as StringKey)} → ` : '',
            t(`state.${e.toState}` as StringKey),
            e.departmentId && (e.action === 'dispatch' || e.kind === 'reassign')
              ? ` · ${deptName(e.departmentId)}`
              : '',
            h('br'),
            h(
              'small',
              { class: 'muted' },
              `${fmt.dateTime(e.at)} · `,
              h('span', { title: e.actor }, localize(e.actorName)),
            ),
            e.note ? h('div', {}, e.note) : null,
          ),
        ),
      ),
    );
  }

  function actionButton(c: CaseView, a: CaseAction): HTMLButtonElement {
    const label = t(`caseAction.${a}` as StringKey);
    const danger = a === 'reject' || a === 'return';
    const b = h('button', { type: 'button', class: `btn ${danger ? '' : 'btn-primary'}`, 'data-action': a }, label);
    b.addEventListener('click', async () => {
      const rule = CASE_RULES[a];
      const note = await askConfirm({
        title: `${label} · ${c.id}`,
        confirmLabel: label,
        danger,
        note: { label: t('cases.note'), required: rule.noteRequired },
      });
      if (note === null) return;
      await withButton(b, null, async () => {
        try {
          await api.transitionCase(c.id, a, { note: note || undefined, expectedState: c.state });
          toast(t('cases.done', { action: label }), { kind: 'ok' });
        } catch (err) {
          if (err instanceof api.ApiError && err.status === 409) toast(t('cases.conflict'), { kind: 'warn' });
          else throw err;
        } finally {
          await loadDetail(c.id, false);
        }
      });
    });
    return b;
  }

  function escalateButton(c: CaseView): HTMLButtonElement {
    const label = t('caseAction.escalate');
    const b = h('button', { type: 'button', class: 'btn' }, label);
    b.addEventListener('click', async () => {
      const note = await askConfirm({
        title: `${label} · ${c.id}`,
        confirmLabel: label,
        note: { label: t('cases.note'), required: true },
      });
      if (note === null) return;
      await withButton(b, null, async () => {
        await api.escalateCase(c.id, note);
        toast(t('cases.done', { action: label }), { kind: 'ok' });
        await loadDetail(c.id, false);
      });
    });
    return b;
  }

  renderDetail();
  // The list and the detail do not wait for the map (the software renderer can take seconds).
  if (selectedId) void loadDetail(selectedId, true);
  await load();

  return () => {
    disposed = true;
    sight.disconnect();
    clearInterval(tick);
    clearInterval(poll);
    clearInterval(slaRepaint);
    clearTimeout(changesTimer);
    clearTimeout(searchTimer);
    loading?.abort();
    closeChanges();
    handle.dispose();
  };
};

export default view;
