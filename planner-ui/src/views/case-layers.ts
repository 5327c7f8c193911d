/**
 * The cases map's layers over the `cases` source (clustered case pins): cluster circles with their counts, single
 * pins coloured by state and ringed by SLA urgency, and the selected pin's outline.
 */
import type { CircleLayerSpecification, ExpressionSpecification, LayerSpecification } from 'maplibre-gl';
import type { CaseState } from '../api/types.ts';

export const STATE_COLOURS: Record<CaseState, string> = {
  new: '#c62828',
  accepted: '#ef6c00',
  dispatched: '#6a1b9a',
  in_progress: '#1565c0',
  resolved: '#2e7d32',
  verified: '#00695c',
  closed: '#616161',
  rejected: '#9e9e9e',
};
export const SLA_RING = { overdue: '#b71c1c', soon: '#f9a825', ok: '#ffffff', none: '#ffffff' };

export const CASES_SOURCE = 'cases';

/**
 * `value` for every feature, written so that MapLibre reads it per feature (a vertex attribute) rather than as one
 * uniform: a layer's shader program is chosen by which paint properties are per feature.
 */
export const sameForEveryFeature = (value: string | number): ExpressionSpecification => [
  'case',
  ['has', 'point_count'],
  value,
  value,
];

export const caseClustersLayer = (): CircleLayerSpecification => ({
  id: 'case-clusters',
  type: 'circle',
  source: CASES_SOURCE,
  filter: ['has', 'point_count'],
  paint: {
    'circle-color': ['case', ['>', ['get', 'overdue'], 0], '#c62828', ['>', ['get', 'soon'], 0], '#f9a825', '#1f6f5c'],
    'circle-radius': ['step', ['get', 'point_count'], 14, 10, 18, 100, 24, 1000, 30],
    // Per feature (though the same for all) like the pins' rings: both circle layers then have the same per-feature
    // paint properties and share one shader program, compiled with the clusters when the map loads. Otherwise the
    // pins' own program is compiled, and a software renderer builds its pipeline, in the middle of the first zoom
    // that shows a single pin: a 100-150 ms frame on SwiftShader (bench:ui with BENCH_UI_FRAME_LOG).
    'circle-stroke-color': sameForEveryFeature('#ffffff'),
    'circle-stroke-width': sameForEveryFeature(2),
    'circle-opacity': 0.9,
  },
});

export const casePointsLayer = (): CircleLayerSpecification => ({
  id: 'case-points',
  type: 'circle',
  source: CASES_SOURCE,
  filter: ['!', ['has', 'point_count']],
  paint: {
    'circle-color': ['match', ['get', 'state'], ...Object.entries(STATE_COLOURS).flat(), '#888888'] as never,
    'circle-radius': ['case', ['get', 'urgent'], 8, 6.5],
    'circle-stroke-color': ['match', ['get', 'sla'], 'overdue', SLA_RING.overdue, 'soon', SLA_RING.soon, '#ffffff'],
    'circle-stroke-width': ['match', ['get', 'sla'], 'overdue', 3.5, 'soon', 3, 1.5],
  },
});

/** The selected pin's outline (`selectedId`: none when null). */
export const selectedFilter = (selectedId: string | null): ExpressionSpecification => [
  '==',
  ['get', 'id'],
  selectedId ?? '',
];

/** Every layer of the cases map, bottom to top. */
export const caseLayers = (selectedId: string | null): LayerSpecification[] => [
  caseClustersLayer(),
  {
    id: 'case-cluster-count',
    type: 'symbol',
    source: CASES_SOURCE,
    filter: ['has', 'point_count'],
    layout: {
      'text-field': ['get', 'point_count_abbreviated'],
      'text-font': ['sans-serif'],
      'text-size': 12,
      // The counts sit on their circles, which never overlap: no collision test on every frame of a zoom.
      'text-allow-overlap': true,
    },
    paint: { 'text-color': '#ffffff' },
  },
  casePointsLayer(),
  {
    id: 'case-selected',
    type: 'circle',
    source: CASES_SOURCE,
    filter: selectedFilter(selectedId),
    paint: {
      'circle-radius': 13,
      'circle-color': 'rgba(0,0,0,0)',
      'circle-stroke-color': '#111',
      'circle-stroke-width': 2.5,
    },
  },
];
