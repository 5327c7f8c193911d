/**
 * Cases and dispatch: the public surface other modules (triage, serve, HTTP routes) use. See README.md.
 */
export { fileCase, type FileCaseResult, type FileCaseOptions } from './file-case.ts';
export { refineDroneCasePin } from './refine-pin.ts';
export { caseMap, type CaseMapColumns } from './case-map.ts';
export {
  transitionCase,
  reassignCase,
  escalateCaseLevel,
  mergeCases,
  splitCase,
  listReinspections,
  recordReinspectionResult,
  setCasePublicity,
  REINSPECTION_RADIUS_M,
  type TransitionOptions,
  type TransitionResult,
  type Reinspection,
} from './transitions.ts';
export {
  getCase,
  findCase,
  listCases,
  countCases,
  listCaseEvents,
  listCaseReports,
  type CaseView,
  type CaseEvent,
  type CaseReport,
  type ListCasesFilter,
} from './repository.ts';
export {
  CASE_STATES,
  CASE_ACTIONS,
  OPEN_STATES,
  TRANSITIONS,
  authorizeTransition,
  replayStates,
  systemActor,
  type CaseState,
  type CaseAction,
  type CaseActor,
} from './state-machine.ts';
export { nextLevel, TOWNSHIP_OFFICE_DEPARTMENT_ID, type Route, type CaseLevel } from './routing.ts';
export {
  computeDeadlines,
  resolveDeadline,
  getSlaPolicy,
  listSlaPolicies,
  upsertSlaPolicy,
  type SlaPolicy,
} from './sla.ts';
export {
  escalateOverdue,
  listNotifications,
  overdueStep,
  pendingStage,
  ESCALATION_STEPS,
  type Notification,
} from './escalation.ts';
export { startCaseTimers, type CaseTimers, type CaseTimersOptions } from './timers.ts';
export * from './schemas.ts';
