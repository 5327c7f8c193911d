-- Core tables of Xuncha. Runs on PostgreSQL 15 + PostGIS 3.3 (Debian 12) and on PGlite's PostGIS:
-- use only functions present in PostGIS 3.3. Geometry is WGS84 (SRID 4326); metric work goes through
-- geography or ST_Transform(…, 32650).

CREATE EXTENSION IF NOT EXISTS postgis;

-- Areas of every kind the planner and the dispatcher use. Jurisdictions form the city → township → village
-- hierarchy (市、乡、村三级) through parent_id; only they carry a level and a responsible grid.
CREATE TABLE areas (
  id text PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('river', 'farmland', 'hillside', 'nofly', 'jurisdiction')),
  name text NOT NULL,
  name_pinyin text,
  name_en text,
  level text CHECK (level IN ('city', 'township', 'village')),
  parent_id text REFERENCES areas (id) ON DELETE RESTRICT,
  grid_code text,
  grid_name text,
  properties jsonb NOT NULL DEFAULT '{}'::jsonb,
  geom geometry(Geometry, 4326) NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT areas_level_only_for_jurisdictions CHECK ((kind = 'jurisdiction') = (level IS NOT NULL)),
  CONSTRAINT areas_geom_valid CHECK (ST_IsValid(geom))
);
CREATE INDEX areas_geom_gist ON areas USING gist (geom);
CREATE INDEX areas_kind ON areas (kind);
CREATE INDEX areas_parent ON areas (parent_id);

CREATE TABLE departments (
  id text PRIMARY KEY,
  name text NOT NULL,
  name_en text,
  categories text[] NOT NULL DEFAULT '{}'
);

-- Default routing of a case category to a lead department (主办) and assisting ones (协办).
-- lead_department_id NULL with lead_is_township means "the township/sub-district office of the place".
CREATE TABLE routing_rules (
  category text PRIMARY KEY CHECK (category IN ('straw_burning', 'sewage_outfall', 'exposed_slope')),
  lead_department_id text REFERENCES departments (id),
  lead_is_township boolean NOT NULL DEFAULT false,
  assist_department_ids text[] NOT NULL DEFAULT '{}',
  CONSTRAINT routing_rules_has_lead CHECK (lead_is_township OR lead_department_id IS NOT NULL)
);

CREATE TABLE users (
  id text PRIMARY KEY,
  username text NOT NULL UNIQUE,
  display_name text,
  password_hash text NOT NULL,
  department_id text REFERENCES departments (id),
  disabled boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE user_roles (
  user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  role text NOT NULL CHECK (role IN ('operator', 'officer', 'dispatcher', 'admin')),
  PRIMARY KEY (user_id, role)
);

-- Server-side sessions: only a hash of the bearer token is stored, so a leaked table grants nothing.
CREATE TABLE sessions (
  token_hash text PRIMARY KEY,
  user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  revoked_at timestamptz
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE drones (
  id text PRIMARY KEY,
  name text NOT NULL UNIQUE,
  model text NOT NULL,
  camera text NOT NULL,
  connection text NOT NULL,
  signing_key text,
  department_id text REFERENCES departments (id),
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE plans (
  id text PRIMARY KEY,
  name text NOT NULL,
  pattern text NOT NULL CHECK (pattern IN ('survey', 'corridor', 'hillside')),
  area_ids text[] NOT NULL DEFAULT '{}',
  params jsonb NOT NULL DEFAULT '{}'::jsonb,
  document jsonb NOT NULL,
  route geometry(Geometry, 4326),
  created_by text REFERENCES users (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX plans_route_gist ON plans USING gist (route);

CREATE TABLE schedules (
  id text PRIMARY KEY,
  plan_id text NOT NULL REFERENCES plans (id) ON DELETE CASCADE,
  name text NOT NULL,
  rrule text NOT NULL,
  timezone text NOT NULL DEFAULT 'Asia/Shanghai',
  drone_ids text[] NOT NULL DEFAULT '{}',
  max_wind_mps real,
  paused boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- One row per occurrence: the primary key is what makes the scheduler fire each occurrence exactly once,
-- whichever instance gets there first.
CREATE TABLE schedule_occurrences (
  schedule_id text NOT NULL REFERENCES schedules (id) ON DELETE CASCADE,
  occurs_at timestamptz NOT NULL,
  fired_at timestamptz NOT NULL DEFAULT now(),
  outcome text NOT NULL CHECK (outcome IN ('pending', 'flown', 'skipped', 'failed')),
  reason text,
  mission_id text,
  PRIMARY KEY (schedule_id, occurs_at)
);

CREATE TABLE missions (
  id text PRIMARY KEY,
  plan_id text REFERENCES plans (id) ON DELETE SET NULL,
  sortie_index integer NOT NULL DEFAULT 0,
  drone_id text REFERENCES drones (id),
  state text NOT NULL CHECK (state IN ('planned', 'uploading', 'uploaded', 'flying', 'interrupted', 'completed', 'failed')),
  items jsonb NOT NULL DEFAULT '[]'::jsonb,
  last_reached_seq integer,
  error text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX missions_drone ON missions (drone_id);

CREATE TABLE flights (
  id text PRIMARY KEY,
  mission_id text REFERENCES missions (id) ON DELETE SET NULL,
  drone_id text REFERENCES drones (id),
  started_at timestamptz NOT NULL DEFAULT now(),
  ended_at timestamptz,
  track geometry(LineString, 4326)
);
CREATE INDEX flights_track_gist ON flights USING gist (track);

-- Downsampled telemetry of a flight (the full stream is live only).
CREATE TABLE telemetry (
  flight_id text NOT NULL REFERENCES flights (id) ON DELETE CASCADE,
  t timestamptz NOT NULL,
  geom geometry(Point, 4326) NOT NULL,
  alt_rel_m real,
  alt_amsl_m real,
  speed_mps real,
  heading_deg real,
  battery_pct real,
  PRIMARY KEY (flight_id, t)
);
CREATE INDEX telemetry_geom_gist ON telemetry USING gist (geom);

-- Photos keyed by the SHA-256 of their bytes: ingesting the same file twice is a no-op.
CREATE TABLE images (
  sha256 text PRIMARY KEY CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  flight_id text REFERENCES flights (id) ON DELETE SET NULL,
  original_name text,
  stored_path text NOT NULL,
  byte_size bigint NOT NULL,
  width_px integer,
  height_px integer,
  taken_at timestamptz,
  geom geometry(Point, 4326),
  footprint geometry(Polygon, 4326),
  meta jsonb NOT NULL DEFAULT '{}'::jsonb,
  status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'processing', 'done', 'unlocated', 'failed')),
  error text,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX images_geom_gist ON images USING gist (geom);
CREATE INDEX images_footprint_gist ON images USING gist (footprint);
CREATE INDEX images_flight ON images (flight_id);

CREATE TABLE incidents (
  id text PRIMARY KEY,
  class text NOT NULL CHECK (class IN ('straw_burning', 'sewage_outfall', 'exposed_slope')),
  geom geometry(Point, 4326) NOT NULL,
  ground_polygon geometry(Polygon, 4326),
  confidence real NOT NULL,
  first_seen_at timestamptz NOT NULL DEFAULT now(),
  last_seen_at timestamptz NOT NULL DEFAULT now(),
  best_detection_id text
);
CREATE INDEX incidents_geom_gist ON incidents USING gist (geom);

CREATE TABLE detections (
  id text PRIMARY KEY,
  image_sha256 text NOT NULL REFERENCES images (sha256) ON DELETE CASCADE,
  class text NOT NULL CHECK (class IN ('straw_burning', 'sewage_outfall', 'exposed_slope')),
  score real NOT NULL CHECK (score >= 0 AND score <= 1),
  bbox_px real[] NOT NULL,
  geom geometry(Point, 4326),
  ground_polygon geometry(Polygon, 4326),
  error_m real,
  incident_id text REFERENCES incidents (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX detections_geom_gist ON detections USING gist (geom);
CREATE INDEX detections_image ON detections (image_sha256);

CREATE TABLE cases (
  id text PRIMARY KEY,
  category text NOT NULL CHECK (category IN ('straw_burning', 'sewage_outfall', 'exposed_slope')),
  state text NOT NULL DEFAULT 'new'
    CHECK (state IN ('new', 'accepted', 'dispatched', 'in_progress', 'resolved', 'verified', 'closed', 'rejected')),
  source text NOT NULL DEFAULT 'drone' CHECK (source IN ('drone', 'hotline', 'citizen', 'grid_worker', 'manual', 'open311')),
  severity text NOT NULL DEFAULT 'normal' CHECK (severity IN ('urgent', 'normal')),
  geom geometry(Point, 4326) NOT NULL,
  ground_polygon geometry(Polygon, 4326),
  confidence real,
  incident_id text UNIQUE REFERENCES incidents (id),
  jurisdiction_id text REFERENCES areas (id),
  department_id text REFERENCES departments (id),
  description text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX cases_geom_gist ON cases USING gist (geom);
CREATE INDEX cases_state ON cases (state);

-- Append-only audit log of every case state change (who, when, from, to, why, evidence).
CREATE TABLE case_events (
  id bigserial PRIMARY KEY,
  case_id text NOT NULL REFERENCES cases (id),
  at timestamptz NOT NULL DEFAULT now(),
  actor text NOT NULL,
  from_state text,
  to_state text NOT NULL,
  note text,
  evidence jsonb
);
CREATE INDEX case_events_case ON case_events (case_id, id);

CREATE FUNCTION case_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'case_events is append-only (案件日志只可追加)';
END;
$$;
CREATE TRIGGER case_events_no_update BEFORE UPDATE OR DELETE ON case_events
  FOR EACH ROW EXECUTE FUNCTION case_events_append_only();

-- Small key/value facts about this installation (e.g. that the sample data was loaded once).
CREATE TABLE app_meta (
  key text PRIMARY KEY,
  value jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);
