-- Nothing deleted by surprise (issue 19.6). A plan that schedules use cannot be deleted (409); a plan or schedule
-- with history is archived rather than deleted, so missions, flights and occurrences keep what they refer to.
-- Every delete and archive is written to the audit log of 007 with what it removed.

ALTER TABLE plans ADD COLUMN archived_at timestamptz;
ALTER TABLE schedules ADD COLUMN archived_at timestamptz;
CREATE INDEX plans_live ON plans (created_at DESC, id) WHERE archived_at IS NULL;

-- The database refuses what the API refuses: a plan's schedules and a schedule's history are never deleted with it.
ALTER TABLE schedules DROP CONSTRAINT schedules_plan_id_fkey;
ALTER TABLE schedules ADD CONSTRAINT schedules_plan_id_fkey FOREIGN KEY (plan_id) REFERENCES plans (id) ON DELETE RESTRICT;
ALTER TABLE schedule_occurrences DROP CONSTRAINT schedule_occurrences_schedule_id_fkey;
ALTER TABLE schedule_occurrences ADD CONSTRAINT schedule_occurrences_schedule_id_fkey
  FOREIGN KEY (schedule_id) REFERENCES schedules (id) ON DELETE RESTRICT;
