/**
 * 规划 Plan: select or draw areas, choose pattern, drone, camera, GSD or height and overlaps; the route, photo
 * footprints, sorties, flight time and warnings follow every change (planned on the server, latest change wins,
 * the page never waits on it); save and export.
 */
import * as maplibregl from 'maplibre-gl';
import type { GeoJSONSource, MapLayerMouseEvent } from 'maplibre-gl';
import {
  TerraDraw,
  TerraDrawLineStringMode,
  TerraDrawPolygonMode,
  ValidateNotSelfIntersecting,
  type GeoJSONStoreFeatures,
} from 'terra-draw';
import { TerraDrawMapLibreGLAdapter } from 'terra-draw-maplibre-gl-adapter';
import type { AreaInput, PlanInput, PlanSummary } from '@xuncha/mission-service/contract';
import * as api from '../api/client.ts';
import { DEFAULT_RIVER_HALF_WIDTH_M } from '../api/geojson-file.ts';
import type { AppConfig, PlanDocument } from '../api/types.ts';
import { fmt, localize, t, type StringKey } from '../i18n.ts';
import { createMap, mapConfig } from '../map/create-map.ts';
import { AREA_SOURCE } from '../map/style.ts';
import { hasRole } from '../roles.ts';
import { navigate } from '../router.ts';
import { debounce, download, field, h, render } from '../ui/dom.ts';
import { askConfirm, showError, toast, withButton } from '../ui/feedback.ts';
import { polygonAreaM2 } from './geometry.ts';
import type { View } from './view.ts';

type Pattern = PlanInput['pattern'];
const KINDS: Record<Pattern, string[]> = {
  survey: ['farmland', 'hillside'],
  corridor: ['river'],
  hillside: ['hillside'],
};
/** Largest area one drawing may cover; bigger patrols are several areas (and several plans). */
export const MAX_DRAWN_AREA_KM2 = 20;
const SORTIE_COLOURS = ['#d81b60', '#1e88e5', '#f4511e', '#6d4c41', '#8e24aa', '#00897b'];

interface Form {
  pattern: Pattern;
  drone: string;
  camera: string;
  by: 'gsd' | 'alt';
  gsdCm: number;
  altAglM: number;
  frontPct: number;
  sidePct: number;
  speedMps: number;
  name: string;
  launch: [number, number] | null;
}

const defaultName = () => `巡查计划 ${fmt.dateTime(new Date())}`;

const view: View = async (root, ctx) => {
  const canEdit = hasRole(ctx.user, 'operator');
  const cfg: AppConfig = await mapConfig();
  const form: Form = {
    pattern: 'survey',
    drone: cfg.presets.drones[0]?.name ?? 'm3e',
    camera: cfg.presets.drones[0]?.defaultCamera ?? 'm3e-wide',
    by: 'gsd',
    gsdCm: 3,
    altAglM: 80,
    frontPct: 75,
    sidePct: 65,
    speedMps: 10,
    name: defaultName(),
    launch: null,
  };
  const selected = new Map<string, string>(); // area id → kind
  let planId: string | null = ctx.route.params[0] ?? null;
  let savedByUser = !!planId;
  let doc: PlanDocument | null = null;
  let inFlight = false;
  let pending = false;
  let disposed = false;
  let settingLaunch = false;
  let importCrs: api.AreaImportCrs = 'wgs84';
  /** What the last import said: its warnings, or why it was refused (kept until the next import). */
  let importNote: {
    kind: 'ok' | 'warn' | 'error';
    lines: string[];
    undo?: { kind: api.AreaKind; ids: string[] };
  } | null = null;

  const side = h('aside', { class: 'side', 'aria-label': t('plan.title') });
  const mapEl = h('div', { class: 'map' });
  const status = h('div', { class: 'map-status', role: 'status', 'aria-live': 'polite', hidden: true });
  mapEl.append(status);
  root.append(side, mapEl);
  const handle = await createMap(mapEl, { onRestyle: () => addPlanLayers() });
  const { map } = handle;

  const setStatus = (text: string | null, error = false) => {
    status.hidden = !text;
    status.textContent = text ?? '';
    status.classList.toggle('error', error);
  };

  // ── map layers of this view ────────────────────────────────────────────────────────────────────────
  const emptyFc: GeoJSON.FeatureCollection = { type: 'FeatureCollection', features: [] };
  function addPlanLayers(): void {
    map.addSource('plan', { type: 'geojson', data: planGeoJson() });
    map.addLayer({
      id: 'sel-farmland',
      type: 'line',
      source: AREA_SOURCE,
      paint: { 'line-color': '#0b5d4b', 'line-width': 3 },
      filter: selFilter('farmland'),
    });
    map.addLayer({
      id: 'sel-hillside',
      type: 'line',
      source: AREA_SOURCE,
      paint: { 'line-color': '#0b5d4b', 'line-width': 3 },
      filter: selFilter('hillside'),
    });
    map.addLayer(
      {
        id: 'sel-river',
        type: 'line',
        source: AREA_SOURCE,
        paint: { 'line-color': '#0b5d4b', 'line-width': 8, 'line-opacity': 0.5 },
        filter: selFilter('river'),
      },
      'river-line',
    );
    map.addLayer({
      id: 'plan-footprints',
      type: 'fill',
      source: 'plan',
      filter: ['==', ['get', 'kind'], 'footprint'],
      paint: { 'fill-color': '#ffb300', 'fill-opacity': 0.07, 'fill-outline-color': 'rgba(230,120,0,0.25)' },
    });
    map.addLayer({
      id: 'plan-route',
      type: 'line',
      source: 'plan',
      filter: ['==', ['get', 'kind'], 'route'],
      layout: { 'line-join': 'round', 'line-cap': 'round' },
      paint: { 'line-color': ['get', 'colour'], 'line-width': 2.5 },
    });
    map.addLayer({
      id: 'plan-launch',
      type: 'circle',
      source: 'plan',
      filter: ['==', ['get', 'kind'], 'launch'],
      paint: {
        'circle-radius': 7,
        'circle-color': '#ffffff',
        'circle-stroke-color': '#d81b60',
        'circle-stroke-width': 3,
      },
    });
  }
  const selFilter = (kind: string): maplibregl.FilterSpecification => [
    'all',
    ['==', ['get', 'kind'], kind],
    ['in', ['get', 'id'], ['literal', [...selected.keys()]]],
  ];
  function refreshSelection(): void {
    for (const kind of ['farmland', 'hillside', 'river'])
      if (map.getLayer(`sel-${kind}`)) map.setFilter(`sel-${kind}`, selFilter(kind));
  }
  function planGeoJson(): GeoJSON.FeatureCollection {
    if (!doc) return emptyFc;
    const features: GeoJSON.Feature[] = [];
    for (const p of doc.photos ?? [])
      features.push({ type: 'Feature', geometry: p.footprint, properties: { kind: 'footprint', sortie: p.sortie } });
    for (const s of doc.sorties)
      features.push({
        type: 'Feature',
        geometry: s.route,
        properties: { kind: 'route', sortie: s.index, colour: SORTIE_COLOURS[s.index % SORTIE_COLOURS.length] },
      });
    if (doc.launch)
      features.push({
        type: 'Feature',
        geometry: { type: 'Point', coordinates: [doc.launch.lon, doc.launch.lat] },
        properties: { kind: 'launch' },
      });
    return { type: 'FeatureCollection', features };
  }
  const showPlanOnMap = () => (map.getSource('plan') as GeoJSONSource | undefined)?.setData(planGeoJson());

  await handle.ready;
  if (disposed) return () => {};
  addPlanLayers();

  // ── selecting areas ───────────────────────────────────────────────────────────────────────────────
  const onAreaClick = (e: MapLayerMouseEvent) => {
    // The click that closes a drawing reaches the map too: it must not also select the area under it.
    if (draw.getMode() !== 'static' || settingLaunch || Date.now() - finishedAt < 500) return;
    const f = e.features?.[0];
    const id = f?.properties?.id as string | undefined;
    const kind = f?.properties?.kind as string | undefined;
    if (!id || !kind || !canEdit) return;
    if (!KINDS[form.pattern].includes(kind)) {
      explainAt(
        e.lngLat,
        t('plan.wrongKind', {
          pattern: t(`plan.pattern.${form.pattern}` as StringKey),
          kind: t(`layer.${kind}` as StringKey),
        }),
      );
      return;
    }
    if (selected.has(id)) selected.delete(id);
    else selected.set(id, kind);
    refreshSelection();
    renderSide();
    replanSoon();
  };
  for (const l of ['farmland-fill', 'hillside-fill', 'river-line']) {
    map.on('click', l, onAreaClick);
    map.on('mouseenter', l, () => (map.getCanvas().style.cursor = 'pointer'));
    map.on('mouseleave', l, () => (map.getCanvas().style.cursor = ''));
  }
  map.on('click', (e) => {
    if (!settingLaunch) return;
    settingLaunch = false;
    form.launch = [Number(e.lngLat.lng.toFixed(6)), Number(e.lngLat.lat.toFixed(6))];
    map.getCanvas().style.cursor = '';
    renderSide();
    replanSoon();
  });

  let popup: maplibregl.Popup | null = null;
  function explainAt(at: maplibregl.LngLatLike, text: string): void {
    popup?.remove();
    popup = new maplibregl.Popup({ closeButton: true, closeOnClick: false, className: 'explain', maxWidth: '280px' })
      .setLngLat(at)
      .setText(text)
      .addTo(map);
    setStatus(text, true);
    setTimeout(() => setStatus(null), 6000);
  }

  // ── drawing new areas ─────────────────────────────────────────────────────────────────────────────
  let lastCoord: [number, number] | null = null;
  let crossing = false;
  let finishedAt = 0;
  const validation = (feature: GeoJSONStoreFeatures, c: { updateType: string }) => {
    const coords =
      feature.geometry.type === 'Polygon'
        ? feature.geometry.coordinates[0]
        : (feature.geometry.coordinates as number[][]);
    const last = coords && coords.length > 1 ? coords[coords.length - 2] : undefined;
    if (last) lastCoord = [last[0]!, last[1]!];
    if (feature.geometry.type !== 'Polygon') return { valid: true };
    const r = ValidateNotSelfIntersecting(feature);
    // Explained as soon as the next point would make edges cross (once per crossing, not on every mouse move).
    if (!r.valid) {
      if (!crossing && lastCoord) explainAt(lastCoord, t('plan.selfIntersect'));
      crossing = true;
      return r;
    }
    crossing = false;
    if (c.updateType === 'finish') {
      const km2 = polygonAreaM2(feature.geometry.coordinates as number[][][]) / 1e6;
      if (km2 > MAX_DRAWN_AREA_KM2) {
        explainAt(lastCoord ?? map.getCenter(), t('plan.tooLarge', { km2: km2.toFixed(1), max: MAX_DRAWN_AREA_KM2 }));
        return { valid: false, reason: 'too large' };
      }
    }
    return { valid: true };
  };
  const draw = new TerraDraw({
    adapter: new TerraDrawMapLibreGLAdapter({ map }),
    modes: [new TerraDrawPolygonMode({ validation }), new TerraDrawLineStringMode({ validation })],
  });
  draw.start();
  draw.on('finish', (id) => {
    finishedAt = Date.now();
    const f = draw.getSnapshotFeature(id);
    draw.clear();
    draw.setMode('static');
    renderSide();
    if (f) void saveDrawn(f as GeoJSON.Feature);
  });

  async function saveDrawn(f: GeoJSON.Feature): Promise<void> {
    const kind = form.pattern === 'corridor' ? 'river' : form.pattern === 'hillside' ? 'hillside' : 'farmland';
    const name = t('plan.drawnName', { n: new Date().toLocaleTimeString('zh-CN', { hour12: false }) });
    try {
      setStatus(t('loading'));
      const created = await api.createArea({
        type: 'Feature',
        geometry: f.geometry as AreaInput['geometry'],
        properties: { kind, name, ...(kind === 'river' ? { halfWidthM: DEFAULT_RIVER_HALF_WIDTH_M } : {}) },
      });
      const id = String(created.id ?? (created.properties as { id?: string })?.id);
      void handle.reloadLayer(kind as api.LayerKind).catch((err: unknown) => showError(err));
      selected.set(id, kind);
      refreshSelection();
      setStatus(null);
      toast(t('plan.areaCreated'), { kind: 'ok' });
      renderSide();
      replanSoon();
    } catch (err) {
      setStatus(null);
      showError(err);
    }
  }

  // ── importing area files (GeoJSON, KML, KMZ, zipped Shapefile; WGS84, GCJ-02 or BD-09) ───────────────
  const kindForPattern = (): api.AreaKind =>
    form.pattern === 'corridor' ? 'river' : form.pattern === 'hillside' ? 'hillside' : 'farmland';

  async function importFile(file: File): Promise<void> {
    const kind = kindForPattern();
    importNote = null;
    setStatus(t('plan.importing', { name: file.name }));
    try {
      const r = await api.importAreaFile(file, importCrs, kind);
      void handle.reloadLayer(kind).catch((err: unknown) => showError(err));
      // Areas that look offset are not planned on until the person decides (undo, or select them on the map).
      if (!r.warnings.length) for (const id of r.ids) selected.set(id, kind);
      refreshSelection();
      importNote = r.warnings.length
        ? {
            kind: 'warn',
            lines: [...r.warnings.map((w) => localize(w.message)), t('plan.importCheckCrs')],
            undo: { kind, ids: r.ids },
          }
        : { kind: 'ok', lines: [t('plan.imported', { n: r.imported })] };
      if (r.warnings.length) toast(t('plan.importedOffset', { n: r.imported }), { kind: 'info' });
      else toast(t('plan.imported', { n: r.imported }), { kind: 'ok' });
      void fitToAreas(kind, r.ids);
      replanSoon();
    } catch (err) {
      const msg = err instanceof Error ? localize(err.message) : String(err);
      const lines = [msg];
      if (err instanceof api.ApiError && err.code === 'outside_china') lines.push(t('plan.importOutsideChina'));
      else if (err instanceof api.ApiError && err.status === 400) lines.push(t('plan.importFixFile'));
      importNote = { kind: 'error', lines };
      if (err instanceof api.ApiError && (err.status === 0 || err.status >= 500)) showError(err);
    } finally {
      setStatus(null);
      renderSide();
    }
  }

  /** Takes back an import that landed in the wrong place (the areas are deleted; plans using them refuse it). */
  async function undoImport(undo: { kind: api.AreaKind; ids: string[] }, btn: HTMLButtonElement): Promise<void> {
    await withButton(btn, null, async () => {
      for (const id of undo.ids) {
        await api.deleteArea(id);
        selected.delete(id);
      }
      await handle.reloadLayer(undo.kind);
      refreshSelection();
      importNote = null;
      toast(t('plan.importUndone', { n: undo.ids.length }), { kind: 'ok' });
      renderSide();
      replanSoon();
    });
  }

  /** Shows the imported areas (the layer is fetched again; the import answers only their ids). */
  async function fitToAreas(kind: api.AreaKind, ids: string[]): Promise<void> {
    const want = new Set(ids);
    const fc = await api.layer(kind).catch(() => null);
    const b = new maplibregl.LngLatBounds();
    const walk = (c: unknown): void => {
      if (Array.isArray(c) && typeof c[0] === 'number') b.extend([c[0], c[1] as number]);
      else if (Array.isArray(c)) c.forEach(walk);
    };
    for (const f of fc?.features ?? [])
      if (want.has(String(f.properties?.id ?? f.id))) walk((f.geometry as { coordinates?: unknown }).coordinates);
    if (!disposed && !b.isEmpty()) map.fitBounds(b, { padding: 80, duration: 0, maxZoom: 16 });
  }

  function undoButton(undo: { kind: api.AreaKind; ids: string[] }): HTMLButtonElement {
    const b = h('button', { type: 'button', class: 'btn btn-small' }, t('plan.importUndo'));
    b.addEventListener('click', () => void undoImport(undo, b));
    return b;
  }

  function importSection(): HTMLElement {
    const crsSel = h(
      'select',
      { disabled: !canEdit, onchange: () => (importCrs = crsSel.value as api.AreaImportCrs) },
      (['wgs84', 'gcj02', 'bd09'] as const).map((c) =>
        h('option', { value: c, selected: c === importCrs }, t(`plan.crs.${c}` as StringKey)),
      ),
    );
    const fileInput = h('input', {
      type: 'file',
      accept: '.geojson,.json,.kml,.kmz,.zip',
      disabled: !canEdit,
      'data-testid': 'area-file',
    });
    fileInput.addEventListener('change', () => {
      const f = fileInput.files?.[0];
      if (f) void importFile(f);
    });
    return h(
      'div',
      { class: 'area-import' },
      h('h4', {}, t('plan.import')),
      h('p', { class: 'hint' }, t('plan.importHint', { kind: t(`layer.${kindForPattern()}` as StringKey) })),
      field(t('plan.crs'), crsSel),
      field(t('plan.importFile'), fileInput),
      importNote
        ? h(
            'div',
            {
              class: `import-note import-${importNote.kind}`,
              role: importNote.kind === 'error' ? 'alert' : 'status',
              'data-testid': 'import-note',
            },
            importNote.lines.map((l) => h('p', {}, l)),
            importNote.undo ? undoButton(importNote.undo) : null,
          )
        : null,
    );
  }

  // ── planning ──────────────────────────────────────────────────────────────────────────────────────
  function input(): PlanInput {
    return {
      name: form.name.trim() || defaultName(),
      pattern: form.pattern,
      areaIds: [...selected.keys()],
      params: {
        drone: form.drone,
        camera: form.camera,
        ...(form.by === 'gsd' ? { gsdCm: form.gsdCm } : { altAglM: form.altAglM }),
        frontOverlap: form.frontPct / 100,
        sideOverlap: form.sidePct / 100,
        speedMps: form.speedMps,
        ...(form.launch ? { launch: form.launch } : {}),
      },
    };
  }

  async function replan(): Promise<void> {
    if (disposed || !canEdit) return;
    if (!selected.size) {
      doc = null;
      showPlanOnMap();
      renderResult();
      return;
    }
    if (inFlight) {
      pending = true;
      return;
    }
    inFlight = true;
    setStatus(planId ? t('plan.stale') : t('plan.planning'));
    try {
      const rec = planId ? await api.updatePlan(planId, input()) : await api.createPlan(input());
      if (disposed) return;
      planId = rec.id;
      navigate(`/plan/${encodeURIComponent(rec.id)}`, { replace: true, silent: true });
      doc = rec.document;
      showPlanOnMap();
      setStatus(null);
      renderResult();
    } catch (err) {
      setStatus(err instanceof api.ApiError ? localize(err.message) : String(err), true);
      if (!(err instanceof api.ApiError) || err.status >= 500 || err.status === 0) showError(err, () => void replan());
    } finally {
      inFlight = false;
      if (pending && !disposed) {
        pending = false;
        void replan();
      }
    }
  }
  const replanSoon = debounce(() => void replan(), 350);

  // ── loading an existing plan (deep link /plan/:id) ───────────────────────────────────────────────
  async function loadPlan(id: string): Promise<void> {
    try {
      setStatus(t('loading'));
      const rec = await api.plan(id);
      planId = rec.id;
      savedByUser = true;
      form.pattern = rec.pattern;
      form.name = rec.name;
      const p = rec.params as Record<string, unknown>;
      if (typeof p.drone === 'string') form.drone = p.drone;
      if (typeof p.camera === 'string') form.camera = p.camera;
      if (typeof p.gsdCm === 'number') {
        form.by = 'gsd';
        form.gsdCm = p.gsdCm;
      }
      if (typeof p.altAglM === 'number') {
        form.by = 'alt';
        form.altAglM = p.altAglM;
      }
      if (typeof p.frontOverlap === 'number') form.frontPct = Math.round(p.frontOverlap * 100);
      if (typeof p.sideOverlap === 'number') form.sidePct = Math.round(p.sideOverlap * 100);
      if (typeof p.speedMps === 'number') form.speedMps = p.speedMps;
      form.launch = Array.isArray(p.launch) ? (p.launch as [number, number]) : null;
      selected.clear();
      const kinds = await Promise.all(['farmland', 'hillside', 'river'].map((k) => api.layer(k as api.LayerKind)));
      const kindOf = new Map(
        kinds.flatMap((fc) =>
          fc.features.map((f) => [String(f.properties?.id ?? f.id), String(f.properties?.kind)] as const),
        ),
      );
      for (const a of rec.areaIds) selected.set(a, kindOf.get(a) ?? 'farmland');
      doc = rec.document;
      refreshSelection();
      showPlanOnMap();
      fitTo(doc);
      setStatus(null);
      renderSide();
    } catch (err) {
      setStatus(null);
      showError(err, () => void loadPlan(id));
    }
  }
  function fitTo(d: PlanDocument | null): void {
    const pts = d?.sorties.flatMap((s) => s.route.coordinates) ?? [];
    if (!pts.length) return;
    const b = new maplibregl.LngLatBounds();
    for (const p of pts) b.extend([p[0]!, p[1]!]);
    map.fitBounds(b, { padding: 60, duration: 0, maxZoom: 16 });
  }

  // ── side panel ────────────────────────────────────────────────────────────────────────────────────
  const resultBox = h('section', { class: 'section', 'aria-live': 'polite', 'aria-label': t('plan.result') });
  let planList: PlanSummary[] = [];

  function num(
    value: number,
    min: number,
    max: number,
    step: number,
    onValue: (n: number) => void,
    label: string,
  ): HTMLInputElement {
    const el = h('input', { type: 'number', value, min, max, step, disabled: !canEdit, 'aria-label': label });
    el.addEventListener('input', () => {
      const n = Number(el.value);
      if (el.value === '' || !Number.isFinite(n) || n < min || n > max) {
        el.setAttribute('aria-invalid', 'true');
        return;
      }
      el.removeAttribute('aria-invalid');
      onValue(n);
      replanSoon();
    });
    return el;
  }

  function renderSide(): void {
    const patternSel = h(
      'select',
      { disabled: !canEdit, onchange: () => void changePattern(patternSel.value as Pattern) },
      (['survey', 'corridor', 'hillside'] as const).map((p) =>
        h('option', { value: p, selected: p === form.pattern }, t(`plan.pattern.${p}` as StringKey)),
      ),
    );
    const droneSel = h(
      'select',
      {
        disabled: !canEdit,
        onchange: () => {
          form.drone = droneSel.value;
          const d = cfg.presets.drones.find((x) => x.name === form.drone);
          if (d) form.camera = d.defaultCamera;
          renderSide();
          replanSoon();
        },
      },
      cfg.presets.drones.map((d) => h('option', { value: d.name, selected: d.name === form.drone }, d.label)),
    );
    const camSel = h(
      'select',
      { disabled: !canEdit, onchange: () => ((form.camera = camSel.value), replanSoon()) },
      cfg.presets.cameras.map((c) => h('option', { value: c.name, selected: c.name === form.camera }, c.label)),
    );
    const bySel = h(
      'select',
      {
        disabled: !canEdit,
        'aria-label': t('plan.by'),
        onchange: () => ((form.by = bySel.value as Form['by']), renderSide(), replanSoon()),
      },
      h('option', { value: 'gsd', selected: form.by === 'gsd' }, t('plan.gsd')),
      h('option', { value: 'alt', selected: form.by === 'alt' }, t('plan.alt')),
    );
    const nameInput = h('input', { value: form.name, disabled: !canEdit, maxlength: 200 });
    nameInput.addEventListener('input', () => (form.name = nameInput.value));
    const saveBtn = h(
      'button',
      { type: 'button', class: 'btn btn-primary', disabled: !canEdit || !selected.size },
      t('plan.save'),
    );
    saveBtn.addEventListener(
      'click',
      () =>
        void withButton(saveBtn, t('plan.planning'), async () => {
          const rec = planId ? await api.updatePlan(planId, input()) : await api.createPlan(input());
          planId = rec.id;
          savedByUser = true;
          doc = rec.document;
          navigate(`/plan/${encodeURIComponent(rec.id)}`, { replace: true, silent: true });
          showPlanOnMap();
          renderResult();
          toast(t('plan.saved'), { kind: 'ok' });
        }),
    );
    const mode = draw.getMode();
    const drawBtn = (m: 'polygon' | 'linestring', label: StringKey) =>
      h(
        'button',
        {
          type: 'button',
          class: 'btn',
          disabled: !canEdit,
          'aria-pressed': String(mode === m),
          onclick: () => {
            draw.setMode(mode === m ? 'static' : m);
            renderSide();
          },
        },
        mode === m ? t('plan.stopDrawing') : t(label),
      );
    const open = h(
      'select',
      {
        'aria-label': t('plan.existing'),
        onchange: () => open.value && navigate(`/plan/${encodeURIComponent(open.value)}`),
      },
      h('option', { value: '' }, `— ${t('plan.existing')} —`),
      planList.map((p) => h('option', { value: p.id, selected: p.id === planId }, p.name)),
    );
    render(
      side,
      h(
        'div',
        { class: 'side-head' },
        h('h2', {}, t('plan.title')),
        h('button', { type: 'button', class: 'btn btn-small', onclick: () => navigate('/plan') }, t('plan.new')),
      ),
      open,
      !canEdit ? h('p', { class: 'hint' }, t('plan.operatorOnly')) : null,
      h(
        'section',
        { class: 'section' },
        h('h3', {}, t('plan.areas')),
        h('p', { class: 'hint' }, t('plan.areasHint')),
        h('p', {}, t('plan.selectedCount', { n: selected.size })),
        h(
          'div',
          { class: 'btn-row' },
          form.pattern === 'corridor' ? drawBtn('linestring', 'plan.drawLine') : drawBtn('polygon', 'plan.drawPolygon'),
          h(
            'button',
            {
              type: 'button',
              class: 'btn',
              disabled: !canEdit || !selected.size,
              onclick: () => (selected.clear(), refreshSelection(), renderSide(), replanSoon()),
            },
            t('plan.clearAreas'),
          ),
          h(
            'button',
            {
              type: 'button',
              class: 'btn',
              disabled: !canEdit,
              'aria-pressed': String(settingLaunch),
              onclick: () => ((settingLaunch = true), (map.getCanvas().style.cursor = 'crosshair'), renderSide()),
            },
            t('plan.launch'),
          ),
        ),
        form.launch
          ? h('p', { class: 'hint mono' }, `${t('plan.launch')}: ${form.launch[0]}, ${form.launch[1]}`)
          : null,
        importSection(),
      ),
      h(
        'section',
        { class: 'section' },
        field(t('plan.pattern'), patternSel),
        h('div', { class: 'row' }, field(t('plan.drone'), droneSel), field(t('plan.camera'), camSel)),
        h(
          'div',
          { class: 'row' },
          field(t('plan.by'), bySel),
          form.by === 'gsd'
            ? field(
                t('plan.gsd'),
                num(form.gsdCm, 0.5, 20, 0.1, (n) => (form.gsdCm = n), t('plan.gsd')),
              )
            : field(
                t('plan.alt'),
                num(form.altAglM, 10, 120, 1, (n) => (form.altAglM = n), t('plan.alt')),
              ),
        ),
        h(
          'div',
          { class: 'row' },
          field(
            t('plan.front'),
            num(form.frontPct, 0, 95, 1, (n) => (form.frontPct = n), t('plan.front')),
          ),
          field(
            t('plan.side'),
            num(form.sidePct, 0, 95, 1, (n) => (form.sidePct = n), t('plan.side')),
          ),
          field(
            t('plan.speed'),
            num(form.speedMps, 1, 20, 0.5, (n) => (form.speedMps = n), t('plan.speed')),
          ),
        ),
      ),
      resultBox,
      h('section', { class: 'section' }, field(t('plan.name'), nameInput), h('div', { class: 'btn-row' }, saveBtn)),
    );
    renderResult();
  }

  function renderResult(): void {
    if (!doc) {
      render(resultBox, h('h3', {}, t('plan.result')), h('p', { class: 'hint' }, t('plan.empty')));
      return;
    }
    const s = doc.stats;
    const kpi = (label: string, value: string) => h('div', { class: 'kpi' }, h('b', {}, value), h('span', {}, label));
    render(
      resultBox,
      h('h3', {}, t('plan.result')),
      h(
        'div',
        { class: 'kpis', 'data-testid': 'plan-kpis' },
        kpi(t('plan.length'), fmt.km(s.lengthM ?? 0)),
        kpi(t('plan.duration'), fmt.duration(s.durationS ?? 0)),
        kpi(t('plan.photos'), fmt.int(s.photoCount ?? 0)),
        kpi(t('plan.sorties'), fmt.int(s.sortieCount ?? doc.sorties.length)),
        kpi(t('plan.coverage'), fmt.pct(s.coveredFraction)),
        kpi(t('plan.spacing'), s.laneSpacingM ? `${s.laneSpacingM.toFixed(0)} m` : '—'),
      ),
      h('h3', {}, t('plan.warnings')),
      doc.warnings.length
        ? h(
            'ul',
            { class: 'warnings' },
            doc.warnings.map((w) => h('li', {}, localize(w.message))),
          )
        : h('p', { class: 'hint' }, t('plan.noWarnings')),
      planId
        ? h(
            'div',
            {},
            h('h3', {}, t('plan.export')),
            h(
              'div',
              { class: 'btn-row' },
              doc.sorties.map((so) => exportButton(t('plan.exportPlan', { n: so.index + 1 }), 'plan', so.index)),
              doc.sorties.map((so) => exportButton(t('plan.exportWpml', { n: so.index + 1 }), 'wpml', so.index)),
              exportButton(t('plan.exportKml'), 'kml', 0),
              exportButton(t('plan.exportKmz'), 'kmz', 0),
              exportButton(t('plan.exportGeojson'), 'geojson', 0),
            ),
          )
        : null,
    );
  }

  /** File names as the service names them: one file per sortie for flight formats, one per plan otherwise. */
  const EXPORT_FILES: Record<'plan' | 'wpml' | 'kml' | 'kmz' | 'geojson', (sortie: number) => string> = {
    plan: (n) => `${planId}-${n}.plan`,
    wpml: (n) => `${planId}-${n}.kmz`,
    kml: () => `${planId}.kml`,
    kmz: () => `${planId}.kmz`,
    geojson: () => `${planId}.geojson`,
  };

  function exportButton(label: string, format: keyof typeof EXPORT_FILES, sortie: number): HTMLButtonElement {
    const b = h('button', { type: 'button', class: 'btn btn-small' }, label);
    b.addEventListener(
      'click',
      () =>
        void withButton(b, null, async () => {
          const blob = await api.exportPlan(planId!, format, sortie);
          download(blob, EXPORT_FILES[format](sortie));
        }),
    );
    return b;
  }

  async function changePattern(p: Pattern): Promise<void> {
    if (p === form.pattern) return;
    // A stored plan keeps its pattern: a new pattern starts a new draft (an unsaved draft of the old one goes).
    if (planId && !savedByUser) await api.deletePlan(planId).catch(() => {});
    else if (planId && savedByUser) {
      const ok = await askConfirm({ title: t('plan.pattern'), body: t('plan.patternNewPlan') });
      if (ok === null) return renderSide();
    }
    planId = null;
    savedByUser = false;
    form.pattern = p;
    for (const [id, kind] of selected) if (!KINDS[p].includes(kind)) selected.delete(id);
    draw.setMode('static');
    doc = null;
    showPlanOnMap();
    refreshSelection();
    navigate('/plan', { replace: true, silent: true });
    renderSide();
    replanSoon();
  }

  renderSide();
  void api
    .plans()
    .then((ps) => {
      planList = ps;
      if (!disposed) renderSide();
    })
    .catch(() => {});
  if (planId) await loadPlan(planId);

  return () => {
    disposed = true;
    replanSoon.cancel();
    popup?.remove();
    try {
      draw.stop();
    } catch {
      // the map may already be gone
    }
    handle.dispose();
  };
};

export default view;
