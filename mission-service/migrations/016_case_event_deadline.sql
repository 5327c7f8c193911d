-- A resolve deadline counted again when its year's working calendar is published is a step in the case's log:
-- the department sees when and why its deadline moved (kind 'deadline', the state unchanged).
ALTER TABLE case_events DROP CONSTRAINT case_events_kind_check;
ALTER TABLE case_events ADD CONSTRAINT case_events_kind_check
  CHECK (kind IN ('file', 'transition', 'attach', 'merge', 'split', 'reassign', 'return', 'escalate_level', 'overdue',
    'reinspection', 'publicity', 'deadline'));
