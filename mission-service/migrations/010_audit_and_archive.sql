-- Nothing deleted by surprise (issue 19.6). A plan that schedules use cannot be deleted (409); a plan or schedule
-- with history is archived rather than deleted, so missions, flights and occurrences keep what they refer to.
-- Every delete, archive and admin change is written to an append-only audit log.

ALTER TABLE plans ADD COLUMN archived_at timestamptz;
ALTER TABLE schedules ADD COLUMN archived_at timestamptz;
CREATE INDEX plans_live ON plans (created_at DESC, id) WHERE archived_at IS NULL;

-- The database refuses what the API refuses: a plan's schedules and a schedule's history are never deleted with it.
ALTER TABLE schedules DROP CONSTRAINT schedules_plan_id_fkey;
ALTER TABLE schedules ADD CONSTRAINT schedules_plan_id_fkey FOREIGN KEY (plan_id) REFERENCES plans (id) ON DELETE RESTRICT;
ALTER TABLE schedule_occurrences DROP CONSTRAINT schedule_occurrences_schedule_id_fkey;
ALTER TABLE schedule_occurrences ADD CONSTRAINT schedule_occurrences_schedule_id_fkey
  FOREIGN KEY (schedule_id) REFERENCES schedules (id) ON DELETE RESTRICT;

CREATE TABLE audit_log (
  id bigserial PRIMARY KEY,
  at timestamptz NOT NULL DEFAULT now(),
  actor text NOT NULL,
  actor_roles text[] NOT NULL DEFAULT '{}',
  action text NOT NULL,
  object_type text NOT NULL,
  object_id text NOT NULL,
  details jsonb
);
CREATE INDEX audit_log_object ON audit_log (object_type, object_id, id);
CREATE INDEX audit_log_at ON audit_log (at DESC, id);

CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only (审计日志只可追加)';
END;
$$;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
