-- Mission service (issue 6): users' password state, object ownership by department, plan staleness,
-- mission progress, scheduler bookkeeping. PostgreSQL 15 + PostGIS 3.3 and PGlite alike.

-- A one-time password (first admin, `user add` without --password-stdin) must be changed after first use.
ALTER TABLE users ADD COLUMN must_change_password boolean NOT NULL DEFAULT false;

-- Object-level authorization: objects belong to a department (NULL = shared, visible to everyone).
ALTER TABLE areas ADD COLUMN department_id text REFERENCES departments (id);
ALTER TABLE plans ADD COLUMN department_id text REFERENCES departments (id);
ALTER TABLE plans ADD COLUMN drone_id text REFERENCES drones (id) ON DELETE SET NULL;
-- Set when an area the plan covers changed after it was planned; cleared by a successful re-plan.
ALTER TABLE plans ADD COLUMN stale_reason text;
ALTER TABLE plans ADD COLUMN revision integer NOT NULL DEFAULT 1;
ALTER TABLE schedules ADD COLUMN department_id text REFERENCES departments (id);
ALTER TABLE schedules ADD COLUMN starts_at timestamptz NOT NULL DEFAULT now();
ALTER TABLE missions ADD COLUMN department_id text REFERENCES departments (id);
ALTER TABLE missions ADD COLUMN flight_id text;
ALTER TABLE missions ADD COLUMN progress jsonb NOT NULL DEFAULT '{}'::jsonb;
ALTER TABLE missions ADD COLUMN schedule_id text;
ALTER TABLE schedule_occurrences ADD COLUMN drone_id text;
ALTER TABLE schedule_occurrences ADD COLUMN instance_id text;

CREATE INDEX plans_area_ids ON plans USING gin (area_ids);
CREATE INDEX schedule_occurrences_fired ON schedule_occurrences (fired_at);
CREATE INDEX areas_kind_id ON areas (kind, id);
-- Occurrences before this instant are not the scheduler's business (set at creation from the service clock).
ALTER TABLE schedules ADD COLUMN active_from timestamptz NOT NULL DEFAULT now();
