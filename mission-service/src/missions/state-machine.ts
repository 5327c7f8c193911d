import type { MissionState } from '../contract/missions.ts';

/** Allowed transitions of a mission. completed and failed are final. */
export const TRANSITIONS: Readonly<Record<MissionState, readonly MissionState[]>> = {
  planned: ['uploading', 'failed'],
  uploading: ['uploaded', 'failed'],
  uploaded: ['uploading', 'flying', 'failed'],
  flying: ['interrupted', 'completed', 'failed'],
  interrupted: ['uploading', 'flying', 'completed', 'failed'],
  completed: [],
  failed: [],
};

/** States a mission may be in for `to` to follow. */
export function statesBefore(to: MissionState): MissionState[] {
  return (Object.keys(TRANSITIONS) as MissionState[]).filter((s) => TRANSITIONS[s].includes(to));
}

/** States in which a drone counts as busy (no second mission, pre-flight fails). */
export const ACTIVE_STATES: readonly MissionState[] = ['uploading', 'uploaded', 'flying'];
