/**
 * 机队 Fleet: drones on the map with live position, heading, battery, mode and mission progress (SSE, reconnecting
 * and saying so); upload, start, pause, continue, return-to-launch and abort behind a confirmation; the flown track.
 */
import type { GeoJSONSource } from 'maplibre-gl';
import type { Drone, Mission, MissionAction, PlanSummary } from '@xuncha/mission-service/contract';
import * as api from '../api/client.ts';
import type { FleetDrone, PlanDocument } from '../api/types.ts';
import type { StreamState } from '../api/sse.ts';
import { hasString, localize, t, type StringKey } from '../i18n.ts';
import { createMap } from '../map/create-map.ts';
import { hasRole } from '../roles.ts';
import { navigate } from '../router.ts';
import { field, h, render } from '../ui/dom.ts';
import { askConfirm, showError, toast, withButton } from '../ui/feedback.ts';
import type { View } from './view.ts';

/** A flight mode in the reader's language; a mode the UI does not know is shown as the link names it. */
const modeLabel = (mode: string | undefined): string =>
  mode === undefined ? '—' : hasString(`mode.${mode}`) ? t(`mode.${mode}` as StringKey) : mode;

/** Which actions a mission offers in each state (the service's mission control rules). */
export const MISSION_ACTIONS_BY_STATE: Record<Mission['state'], MissionAction[]> = {
  planned: ['upload', 'abort'],
  uploading: ['abort'],
  uploaded: ['start', 'upload', 'abort'],
  flying: ['pause', 'rtl', 'abort'],
  interrupted: ['continue', 'rtl', 'abort'],
  completed: [],
  failed: [],
};

function droneIcon(): ImageData {
  const size = 48;
  const c = document.createElement('canvas');
  c.width = c.height = size;
  const g = c.getContext('2d')!;
  g.translate(size / 2, size / 2);
  g.beginPath();
  g.moveTo(0, -20);
  g.lineTo(14, 16);
  g.lineTo(0, 8);
  g.lineTo(-14, 16);
  g.closePath();
  g.fillStyle = '#d81b60';
  g.strokeStyle = '#ffffff';
  g.lineWidth = 3;
  g.stroke();
  g.fill();
  return g.getImageData(0, 0, size, size);
}

const view: View = async (root, ctx) => {
  const canFly = hasRole(ctx.user, 'operator');
  let registry: Drone[] = [];
  const live = new Map<string, FleetDrone>();
  const trails = new Map<string, [number, number][]>();
  let selectedId: string | null = ctx.route.params[0] ?? null;
  let missions: Mission[] = [];
  let plans: PlanSummary[] = [];
  let track: GeoJSON.Feature<GeoJSON.LineString> | null = null;
  let plannedRoute: GeoJSON.LineString | null = null;
  let disposed = false;
  let streamState: StreamState = 'connecting';

  const side = h('aside', { class: 'side', 'aria-label': t('fleet.title') });
  const mapEl = h('div', { class: 'map' });
  const status = h('div', { class: 'map-status stream-state', role: 'status', 'aria-live': 'polite' });
  mapEl.append(status);
  root.append(side, mapEl);
  const handle = await createMap(mapEl, { onRestyle: () => addLayers() });
  const { map } = handle;

  function addLayers(): void {
    if (!map.hasImage('drone')) map.addImage('drone', droneIcon(), { pixelRatio: 2 });
    map.addSource('planned', { type: 'geojson', data: plannedGeo() });
    map.addSource('track', { type: 'geojson', data: trackGeo() });
    map.addSource('drones', { type: 'geojson', data: dronesGeo() });
    map.addLayer({
      id: 'planned-route',
      type: 'line',
      source: 'planned',
      paint: { 'line-color': '#1e88e5', 'line-width': 2, 'line-dasharray': [2, 2] },
    });
    map.addLayer({
      id: 'flown-track',
      type: 'line',
      source: 'track',
      paint: { 'line-color': '#d81b60', 'line-width': 3, 'line-opacity': 0.85 },
    });
    map.addLayer({
      id: 'drone-icons',
      type: 'symbol',
      source: 'drones',
      layout: {
        'icon-image': 'drone',
        'icon-rotate': ['get', 'heading'],
        'icon-rotation-alignment': 'map',
        'icon-allow-overlap': true,
        'text-field': ['get', 'name'],
        'text-font': ['sans-serif'],
        'text-offset': [0, 1.6],
        'text-size': 12,
        'text-allow-overlap': true,
      },
      paint: {
        'text-color': '#333',
        'text-halo-color': '#fff',
        'text-halo-width': 1.5,
        'icon-opacity': ['case', ['get', 'connected'], 1, 0.4],
      },
    });
  }
  const plannedGeo = (): GeoJSON.FeatureCollection => ({
    type: 'FeatureCollection',
    features: plannedRoute ? [{ type: 'Feature', geometry: plannedRoute, properties: {} }] : [],
  });
  const trackGeo = (): GeoJSON.FeatureCollection => {
    const features: GeoJSON.Feature[] = [];
    if (track) features.push(track);
    const trail = selectedId ? trails.get(selectedId) : undefined;
    if (trail && trail.length > 1)
      features.push({ type: 'Feature', geometry: { type: 'LineString', coordinates: trail }, properties: {} });
    return { type: 'FeatureCollection', features };
  };
  const dronesGeo = (): GeoJSON.FeatureCollection => ({
    type: 'FeatureCollection',
    features: [...live.values()]
      .filter((d) => d.position)
      .map((d) => ({
        type: 'Feature',
        geometry: { type: 'Point', coordinates: [...d.position!.coordinates] },
        properties: { id: d.droneId, name: d.name, heading: d.headingDeg ?? 0, connected: d.connected },
      })),
  });
  const setData = (id: string, data: GeoJSON.FeatureCollection) =>
    (map.getSource(id) as GeoJSONSource | undefined)?.setData(data);

  await handle.ready;
  if (disposed) return () => {};
  addLayers();
  map.on('click', 'drone-icons', (e) => {
    const id = e.features?.[0]?.properties?.id as string | undefined;
    if (id) select(id);
  });

  // ── live stream ───────────────────────────────────────────────────────────────────────────────────
  const paintStatus = () => {
    const key: Record<StreamState, StringKey> = {
      connecting: 'fleet.connecting',
      open: 'fleet.live',
      reconnecting: 'fleet.reconnecting',
      closed: 'fleet.closed',
    };
    status.textContent = `● ${t(key[streamState])}`;
    status.classList.toggle('error', streamState === 'reconnecting' || streamState === 'closed');
    status.dataset.state = streamState;
  };
  paintStatus();
  let lastListPaint = 0;
  const closeStream = api.fleetStream(
    (snap) => {
      for (const d of snap.drones) {
        live.set(d.droneId, d);
        if (d.position && d.armed) {
          const tr = trails.get(d.droneId) ?? [];
          const last = tr[tr.length - 1];
          const [lon, lat] = d.position.coordinates;
          if (!last || last[0] !== lon || last[1] !== lat) tr.push([lon, lat]);
          if (tr.length > 5000) tr.shift();
          trails.set(d.droneId, tr);
        }
      }
      setData('drones', dronesGeo());
      setData('track', trackGeo());
      if (Date.now() - lastListPaint > 900) {
        lastListPaint = Date.now();
        renderList();
        renderLiveDetail();
      }
    },
    { onState: (s) => ((streamState = s), paintStatus()) },
  );

  // ── side panel ───────────────────────────────────────────────────────────────────────────────────
  const listEl = h('ul', { class: 'list', 'aria-label': t('fleet.title') });
  const liveEl = h('div', { 'aria-live': 'off' });
  const missionsEl = h('div');
  render(side, h('h2', {}, t('fleet.title')), listEl, h('div', { class: 'section' }, liveEl, missionsEl));

  function statusOf(id: string): FleetDrone | undefined {
    return live.get(id);
  }
  function renderList(): void {
    if (!registry.length) {
      render(listEl, h('li', { class: 'hint' }, t('fleet.noDrones')));
      return;
    }
    render(
      listEl,
      registry.map((d) => {
        const s = statusOf(d.id) ?? ({ ...d.status, droneId: d.id, name: d.name } as FleetDrone);
        const battery = s.batteryPct;
        return h(
          'li',
          { class: `list-item${d.id === selectedId ? ' selected' : ''}` },
          h(
            'button',
            {
              type: 'button',
              'aria-current': d.id === selectedId ? 'true' : null,
              onclick: () => select(d.id),
              'data-drone': d.id,
            },
            h(
              'div',
              { class: 'drone-card' },
              h(
                'div',
                { class: 'top' },
                h('strong', {}, d.name),
                h(
                  'span',
                  { class: `badge ${s.connected ? 'ok' : ''}` },
                  s.connected ? t('fleet.online') : t('fleet.offline'),
                ),
              ),
              h(
                'div',
                { class: 'muted' },
                `${d.model} · ${modeLabel(s.flightMode)}${s.armed ? ` · ${t('fleet.armed')}` : ''}`,
              ),
              battery !== undefined ? meter(battery) : null,
            ),
          ),
        );
      }),
    );
  }
  function meter(pct: number): HTMLElement {
    const bar = h('span');
    bar.style.width = `${Math.max(0, Math.min(100, pct))}%`;
    return h(
      'div',
      {
        class: `meter${pct < 25 ? ' low' : ''}`,
        role: 'meter',
        'aria-valuemin': 0,
        'aria-valuemax': 100,
        'aria-valuenow': Math.round(pct),
        'aria-label': t('fleet.battery'),
      },
      bar,
    );
  }
  function renderLiveDetail(): void {
    const d = registry.find((x) => x.id === selectedId);
    if (!d) {
      render(liveEl);
      return;
    }
    const s = statusOf(d.id) ?? ({ ...d.status, droneId: d.id, name: d.name } as FleetDrone);
    const mp = s.missionProgress;
    const row = (k: string, v: string) => [h('dt', {}, k), h('dd', { 'data-field': k }, v)];
    render(
      liveEl,
      h('h3', {}, d.name),
      h(
        'dl',
        { class: 'detail-grid', 'data-testid': 'drone-live' },
        row(t('fleet.battery'), s.batteryPct !== undefined ? `${Math.round(s.batteryPct)}%` : '—'),
        row(t('fleet.mode'), `${modeLabel(s.flightMode)}${s.armed ? ` · ${t('fleet.armed')}` : ''}`),
        row(t('fleet.heading'), s.headingDeg !== undefined ? `${Math.round(s.headingDeg)}°` : '—'),
        row(t('fleet.speed'), s.speedMps !== undefined ? `${s.speedMps.toFixed(1)} m/s` : '—'),
        row(t('fleet.altitude'), s.altRelM !== undefined ? `${s.altRelM.toFixed(0)} m` : '—'),
        row(t('fleet.progress'), mp && mp.total ? `${Math.max(0, mp.lastReached + 1)} / ${mp.total}` : '—'),
      ),
      !s.connected && canFly
        ? (() => {
            const b = h('button', { type: 'button', class: 'btn' }, t('fleet.connect'));
            b.addEventListener(
              'click',
              () => void withButton(b, t('fleet.connecting'), async () => void (await api.connectDrone(d.id))),
            );
            return b;
          })()
        : null,
    );
  }

  /** The mission list (re-rendered on every poll) and the new-mission form (kept while the person uses it). */
  const missionList = h('div');
  const missionForm = h('div');
  missionsEl.append(missionList, missionForm);
  let formFor: string | null = null;
  let listSignature = '';

  function renderMissions(): void {
    const d = registry.find((x) => x.id === selectedId);
    if (!d) {
      render(missionList);
      render(missionForm);
      formFor = null;
      listSignature = '';
      return;
    }
    // Re-rendered only when something changed, so a button is never replaced under a person's click.
    const signature = JSON.stringify([d.id, canFly, missions.slice(0, 6).map((m) => [m.id, m.state, m.error])]);
    if (signature !== listSignature) {
      listSignature = signature;
      render(
        missionList,
        h('h3', {}, t('fleet.missions')),
        missions.length
          ? h(
              'ul',
              { class: 'list', 'data-testid': 'missions' },
              missions.slice(0, 6).map((m) =>
                h(
                  'li',
                  { class: 'list-item', 'data-mission': m.id, 'data-state': m.state },
                  h(
                    'div',
                    { class: 'drone-card' },
                    h(
                      'div',
                      { class: 'top' },
                      h(
                        'span',
                        { class: 'mono' },
                        `${plans.find((p) => p.id === m.planId)?.name ?? m.planId ?? ''} #${m.sortieIndex + 1}`,
                      ),
                      h('span', { class: 'badge' }, t(`mission.${m.state}` as StringKey)),
                    ),
                    m.error ? h('div', { class: 'form-error' }, localize(m.error)) : null,
                    canFly
                      ? h(
                          'div',
                          { class: 'btn-row' },
                          MISSION_ACTIONS_BY_STATE[m.state].map((a) => actionButton(d, m, a)),
                        )
                      : null,
                  ),
                ),
              ),
            )
          : h('p', { class: 'hint' }, t('none')),
      );
    }
    if (formFor === d.id) return;
    formFor = d.id;
    const planSel = h(
      'select',
      {},
      plans.map((p) => h('option', { value: p.id }, p.name)),
    );
    const sortieSel = h('select', {});
    const fillSorties = () => {
      const p = plans.find((x) => x.id === planSel.value);
      render(
        sortieSel,
        Array.from({ length: p?.sortieCount ?? 0 }, (_, i) => h('option', { value: i }, String(i + 1))),
      );
    };
    planSel.addEventListener('change', fillSorties);
    fillSorties();
    const createBtn = h(
      'button',
      { type: 'button', class: 'btn btn-primary', disabled: !plans.length },
      t('fleet.create'),
    );
    createBtn.addEventListener(
      'click',
      () =>
        void withButton(createBtn, null, async () => {
          await api.createMission(planSel.value, Number(sortieSel.value), d.id);
          await loadMissions();
        }),
    );
    const trackBtn = h('button', { type: 'button', class: 'btn' }, t('fleet.track'));
    trackBtn.addEventListener('click', () => void withButton(trackBtn, null, () => showTrack(d.id)));
    render(
      missionForm,
      canFly
        ? h(
            'div',
            { class: 'section' },
            h('h3', {}, t('fleet.newMission')),
            h('div', { class: 'row' }, field(t('schedule.plan'), planSel), field(t('fleet.sortie'), sortieSel)),
            createBtn,
          )
        : null,
      h('div', { class: 'section' }, trackBtn),
    );
  }

  function actionButton(d: Drone, m: Mission, a: MissionAction): HTMLButtonElement {
    const label = t(`action.${a}` as StringKey);
    const danger = a === 'abort' || a === 'rtl';
    const b = h(
      'button',
      { type: 'button', class: `btn btn-small ${danger ? 'btn-danger' : ''}`, 'data-action': a },
      label,
    );
    b.addEventListener('click', async () => {
      const ok = await askConfirm({
        title: label,
        body: t('fleet.confirmAction', { drone: d.name, action: label }),
        confirmLabel: label,
        danger,
      });
      if (ok === null) return;
      await withButton(b, '…', async () => {
        try {
          await api.missionAction(m.id, a);
          toast(t('fleet.actionSent', { action: label }), { kind: 'ok' });
        } finally {
          await loadMissions();
        }
      });
    });
    return b;
  }

  async function showTrack(droneId: string): Promise<void> {
    const flights = await api.droneFlights(droneId);
    if (!flights[0]) {
      toast(t('fleet.noTrack'), { kind: 'info' });
      return;
    }
    track = await api.flightTrack(flights[0].id);
    setData('track', trackGeo());
    const coords = track.geometry.coordinates;
    if (coords.length) {
      const xs = coords.map((c) => c[0]!);
      const ys = coords.map((c) => c[1]!);
      map.fitBounds([Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)], {
        padding: 80,
        duration: 0,
        maxZoom: 17,
      });
    }
  }

  async function loadMissions(): Promise<void> {
    if (!selectedId) return;
    try {
      missions = (await api.missions({ droneId: selectedId })).sort((a, b) => b.createdAt.localeCompare(a.createdAt));
      const active = missions.find((m) => ['uploaded', 'flying', 'interrupted', 'uploading'].includes(m.state));
      plannedRoute = null;
      if (active?.planId) {
        const p = await api.plan(active.planId).catch(() => null);
        plannedRoute = (p?.document as PlanDocument | undefined)?.sorties[active.sortieIndex]?.route ?? null;
      }
      setData('planned', plannedGeo());
      renderMissions();
    } catch (err) {
      showError(err, () => void loadMissions());
    }
  }

  function select(id: string): void {
    selectedId = id;
    formFor = null;
    track = null;
    navigate(`/fleet/${encodeURIComponent(id)}`, { replace: true, silent: true });
    setData('track', trackGeo());
    renderList();
    renderLiveDetail();
    void loadMissions();
    const s = live.get(id);
    if (s?.position) map.easeTo({ center: [...s.position.coordinates], zoom: Math.max(map.getZoom(), 14) });
  }

  try {
    [registry, plans] = await Promise.all([api.drones(), canFly ? api.plans() : Promise.resolve([])]);
  } catch (err) {
    showError(err);
  }
  if (!selectedId && registry[0]) selectedId = registry[0].id;
  renderList();
  if (selectedId) select(selectedId);
  // Mission changes arrive on the change stream; a slow poll covers the moments it is reconnecting.
  let missionTimer: ReturnType<typeof setTimeout> | undefined;
  const closeChanges = api.changeStream(['missions'], {
    mission: (m) => {
      if (m.droneId !== selectedId) return;
      clearTimeout(missionTimer);
      missionTimer = setTimeout(() => void loadMissions(), 200);
    },
  });
  const missionPoll = setInterval(() => void loadMissions(), 30_000);

  return () => {
    disposed = true;
    clearInterval(missionPoll);
    clearTimeout(missionTimer);
    closeChanges();
    closeStream();
    handle.dispose();
  };
};

export default view;
