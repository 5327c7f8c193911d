-- Multi-sortie patrols (issue 6): each fired occurrence keeps one entry per sortie of its plan
-- ({sortieIndex, droneId, missionId, afterMissionId, status: launched | queued | launching | failed, reason}).
-- NULL for occurrences recorded before this migration and for those that never got past pre-flight.
ALTER TABLE schedule_occurrences ADD COLUMN sorties jsonb;
CREATE INDEX schedule_occurrences_pending ON schedule_occurrences (outcome) WHERE outcome = 'pending';
