-- Security and data-safety hardening (issue 12): an access audit log, cases published to the public Open311 feed,
-- webhook deliveries cancelled with their subscription. PostgreSQL 15 + PostGIS 3.3 and PGlite alike.

-- Who changed what, or tried to: every change request of a signed-in user, whatever its outcome (a refused one
-- too), and administrative changes (users, roles, no-fly zones). Case state changes keep their own log
-- (case_events); this one is about access. Anonymous requests are not written here (a flood must write nothing):
-- they are in the request log.
CREATE TABLE audit_log (
  id bigserial PRIMARY KEY,
  at timestamptz NOT NULL DEFAULT now(),
  actor_id text,
  actor_name text,
  actor_roles text[] NOT NULL DEFAULT '{}',
  action text NOT NULL,
  object_kind text,
  object_id text,
  status integer,
  code text,
  source_ip text,
  details jsonb
);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_object ON audit_log (object_kind, object_id, at);

CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only (审计日志只可追加)';
END;
$$;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();

-- The anonymous Open311 feed publishes only cases the centre marks public: by default the ones that came in
-- through Open311 (their reporters chose to publish them), never reporter data.
ALTER TABLE cases ADD COLUMN public boolean NOT NULL DEFAULT false;
UPDATE cases SET public = true WHERE source = 'open311';
CREATE INDEX cases_public_created ON cases (created_at) WHERE public;

ALTER TABLE case_events DROP CONSTRAINT case_events_kind_check;
ALTER TABLE case_events ADD CONSTRAINT case_events_kind_check
  CHECK (kind IN ('file', 'transition', 'attach', 'merge', 'split', 'reassign', 'return', 'escalate_level', 'overdue',
    'reinspection', 'publicity'));

-- Deliveries still pending when their subscription is deactivated are cancelled, never sent.
ALTER TABLE webhook_deliveries DROP CONSTRAINT webhook_deliveries_status_check;
ALTER TABLE webhook_deliveries ADD CONSTRAINT webhook_deliveries_status_check
  CHECK (status IN ('pending', 'delivered', 'failed', 'cancelled'));
