-- Cases and dispatch: routing, SLA clocks on the working-day calendar, escalation, duplicates, feedback
-- (webhooks), Open311 API keys, re-inspections. Extends the minimal `cases` / `case_events` of 001.
-- PostGIS 3.3 functions only.

-- Case categories: the Open311 services, and the per-category duplicate radius (重复诉求并单).
CREATE TABLE case_categories (
  category text PRIMARY KEY CHECK (category IN ('straw_burning', 'sewage_outfall', 'exposed_slope')),
  name text NOT NULL,
  name_en text NOT NULL,
  description text NOT NULL DEFAULT '',
  group_name text NOT NULL DEFAULT '生态环境 / environment',
  keywords text[] NOT NULL DEFAULT '{}',
  duplicate_radius_m real NOT NULL DEFAULT 250 CHECK (duplicate_radius_m >= 0 AND duplicate_radius_m <= 10000)
);
INSERT INTO case_categories (category, name, name_en, description, keywords) VALUES
  ('straw_burning', '秸秆焚烧', 'Straw burning', '露天焚烧秸秆、烟雾 / open burning of crop straw, smoke', '{秸秆,焚烧,烟,straw,burning,smoke}'),
  ('sewage_outfall', '河道排污', 'Sewage outfall', '向河道排放污水 / sewage discharged into a river', '{排污,污水,河道,sewage,outfall,river}'),
  ('exposed_slope', '山体裸露', 'Exposed slope', '山体裸露、违规开挖 / exposed or excavated hillside', '{山体,裸露,开挖,slope,excavation}');

-- SLA per category and severity. Resolution is either a duration (urgent: 24 h) or working days (3).
CREATE TABLE sla_policies (
  category text NOT NULL REFERENCES case_categories (category),
  severity text NOT NULL CHECK (severity IN ('urgent', 'normal')),
  accept_s integer NOT NULL CHECK (accept_s > 0),
  dispatch_s integer NOT NULL CHECK (dispatch_s > 0),
  resolve_s integer CHECK (resolve_s > 0),
  resolve_working_days integer CHECK (resolve_working_days > 0),
  PRIMARY KEY (category, severity),
  CONSTRAINT sla_one_resolution CHECK ((resolve_s IS NULL) <> (resolve_working_days IS NULL))
);
INSERT INTO sla_policies (category, severity, accept_s, dispatch_s, resolve_s, resolve_working_days)
SELECT c.category, s.severity, 180, 300,
       CASE WHEN s.severity = 'urgent' THEN 86400 END,
       CASE WHEN s.severity = 'normal' THEN 3 END
FROM case_categories c CROSS JOIN (VALUES ('urgent'), ('normal')) AS s (severity);

-- Mainland China working-day calendar (调休 included), seeded from the chinese-days package by the service
-- (source 'chinese-days') and editable by admins (source 'admin'). A row exists only for days that differ from
-- the Mon–Fri rule: statutory holidays (is_workday false) and adjusted working weekends (is_workday true).
CREATE TABLE working_calendar (
  day date PRIMARY KEY,
  is_workday boolean NOT NULL,
  name text,
  source text NOT NULL CHECK (source IN ('chinese-days', 'admin')),
  updated_at timestamptz NOT NULL DEFAULT now()
);
-- Years whose schedule is known; deadlines in other years are computed Mon–Fri and flagged.
CREATE TABLE working_calendar_years (
  year integer PRIMARY KEY CHECK (year BETWEEN 1990 AND 2200),
  source text NOT NULL CHECK (source IN ('chinese-days', 'admin')),
  updated_at timestamptz NOT NULL DEFAULT now()
);

ALTER TABLE cases
  ADD COLUMN level text NOT NULL DEFAULT 'centre' CHECK (level IN ('village', 'township', 'city', 'centre')),
  ADD COLUMN handling_jurisdiction_id text REFERENCES areas (id),
  ADD COLUMN grid_code text,
  ADD COLUMN assist_department_ids text[] NOT NULL DEFAULT '{}',
  ADD COLUMN merged_into_id text REFERENCES cases (id),
  ADD COLUMN report_count integer NOT NULL DEFAULT 1,
  ADD COLUMN evidence jsonb,
  ADD COLUMN address text,
  ADD COLUMN accept_due_at timestamptz,
  ADD COLUMN dispatch_due_at timestamptz,
  ADD COLUMN resolve_due_at timestamptz,
  ADD COLUMN resolve_due_estimated boolean NOT NULL DEFAULT false,
  ADD COLUMN accepted_at timestamptz,
  ADD COLUMN dispatched_at timestamptz,
  ADD COLUMN resolved_at timestamptz,
  ADD COLUMN resolved_level text,
  ADD COLUMN closed_at timestamptz,
  ADD COLUMN escalation_level integer NOT NULL DEFAULT 0 CHECK (escalation_level BETWEEN 0 AND 3),
  ADD COLUMN version integer NOT NULL DEFAULT 0;
CREATE INDEX cases_created ON cases (created_at);
CREATE INDEX cases_state_created ON cases (state, created_at);
-- Open cases only: duplicate search and the overdue sweep touch a small fraction of a large table.
CREATE INDEX cases_open_geom ON cases USING gist (geom) WHERE state IN ('new', 'accepted', 'dispatched', 'in_progress');
CREATE INDEX cases_open_state ON cases (state) WHERE state IN ('new', 'accepted', 'dispatched', 'in_progress');

ALTER TABLE case_events
  ADD COLUMN kind text NOT NULL DEFAULT 'transition'
    CHECK (kind IN ('file', 'transition', 'attach', 'merge', 'split', 'reassign', 'return', 'escalate_level', 'overdue', 'reinspection')),
  ADD COLUMN action text,
  ADD COLUMN level text,
  ADD COLUMN actor_roles text[] NOT NULL DEFAULT '{}',
  ADD COLUMN department_id text;

-- Every report behind a case: the first one and the duplicates attached to it. The UNIQUE constraints are what
-- make filing exactly-once (a triage incident, an API idempotency key), whatever the queue delivers.
CREATE TABLE case_reports (
  id text PRIMARY KEY,
  case_id text NOT NULL REFERENCES cases (id),
  source text NOT NULL CHECK (source IN ('drone', 'hotline', 'citizen', 'grid_worker', 'manual', 'open311')),
  incident_id text UNIQUE REFERENCES incidents (id),
  idempotency_key text UNIQUE,
  geom geometry(Point, 4326) NOT NULL,
  severity text NOT NULL CHECK (severity IN ('urgent', 'normal')),
  confidence real,
  description text,
  reporter jsonb,
  evidence jsonb,
  api_key_id text,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX case_reports_case ON case_reports (case_id);

-- Overdue escalation 督办 (1) → 催办 (2) → 通报 (3): one row per case, SLA stage and step, so that
-- several service instances sweeping together notify once.
CREATE TABLE case_escalations (
  case_id text NOT NULL REFERENCES cases (id),
  stage text NOT NULL CHECK (stage IN ('accept', 'dispatch', 'resolve')),
  step integer NOT NULL CHECK (step BETWEEN 1 AND 3),
  at timestamptz NOT NULL,
  PRIMARY KEY (case_id, stage, step)
);

CREATE TABLE notifications (
  id bigserial PRIMARY KEY,
  case_id text REFERENCES cases (id),
  recipient_role text NOT NULL CHECK (recipient_role IN ('operator', 'officer', 'dispatcher', 'admin')),
  recipient_department_id text REFERENCES departments (id),
  kind text NOT NULL,
  message text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  read_at timestamptz
);
CREATE INDEX notifications_recipient ON notifications (recipient_role, created_at);

CREATE TABLE webhook_subscriptions (
  id text PRIMARY KEY,
  url text NOT NULL,
  secret text NOT NULL,
  event_kinds text[] NOT NULL DEFAULT '{}',
  sources text[] NOT NULL DEFAULT '{}',
  active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Outbox of webhook deliveries, written in the same transaction as the case event. UNIQUE (subscription, event)
-- makes enqueueing idempotent; the event id also travels in a header so receivers can drop repeats.
CREATE TABLE webhook_deliveries (
  id bigserial PRIMARY KEY,
  subscription_id text NOT NULL REFERENCES webhook_subscriptions (id) ON DELETE CASCADE,
  event_id text NOT NULL,
  case_id text NOT NULL,
  payload jsonb NOT NULL,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
  attempts integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL,
  last_status integer,
  last_error text,
  delivered_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (subscription_id, event_id)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';

-- Open311 API keys: only the SHA-256 of the key is stored; the key is printed once by `xuncha apikey add`.
CREATE TABLE api_keys (
  id text PRIMARY KEY,
  name text NOT NULL UNIQUE,
  key_hash text NOT NULL UNIQUE,
  created_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz
);

-- Re-inspection requests: a small survey polygon around a resolved drone-found case, for the next patrol.
CREATE TABLE reinspections (
  id text PRIMARY KEY,
  case_id text NOT NULL REFERENCES cases (id),
  survey_polygon geometry(Polygon, 4326) NOT NULL,
  state text NOT NULL DEFAULT 'requested' CHECK (state IN ('requested', 'planned', 'done')),
  result text CHECK (result IN ('not_found', 'found')),
  requested_by text NOT NULL,
  requested_at timestamptz NOT NULL DEFAULT now(),
  completed_at timestamptz,
  note text
);
CREATE INDEX reinspections_state ON reinspections (state);
CREATE INDEX reinspections_geom ON reinspections USING gist (survey_polygon);
