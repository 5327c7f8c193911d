-- Cases at scale (issue 8 bench: 1,000,000 cases): a daily statistics rollup kept by a trigger, a partial spatial
-- index for the bbox + status list, and filing as one planned-once statement. PostgreSQL 15 + PostGIS 3.3 and
-- PGlite alike (no extensions beyond PostGIS, no time zone names).

-- The bbox + status list for the states after resolution but not closed: a small share of a large table, which
-- the full GiST index would make the list visit row by row. One index per state, so that the state test is
-- implied by the index (no second bitmap over the state index). Open cases have cases_open_geom of 003; closed
-- cases are most of the table, where the full index is the right one.
CREATE INDEX cases_rejected_geom ON cases USING gist (geom) WHERE state = 'rejected';
CREATE INDEX cases_resolved_geom ON cases USING gist (geom) WHERE state = 'resolved';
CREATE INDEX cases_verified_geom ON cases USING gist (geom) WHERE state = 'verified';

-- Closed cases in space × time (x, y, seconds since 1970): a bbox list of closed cases, newest first, first
-- reads the last weeks only (listCases) instead of every closed case the box has ever held.
CREATE FUNCTION case_epoch_s(t timestamptz) RETURNS float8 LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT extract(epoch FROM t)::float8
$$;
CREATE INDEX cases_closed_xyt ON cases
  USING gist (ST_MakePoint(ST_X(geom), ST_Y(geom), case_epoch_s(created_at)) gist_geometry_ops_nd)
  WHERE state = 'closed';

-- Per-day counts behind getCaseStats, per lead department and category. `day_no` is the day number since
-- 1970-01-01 in China time (UTC+8, no DST since 1991), so a period from midnight to midnight reads whole rows
-- and only the cases of partial edge days are counted from `cases`. `shard` (from the case id) spreads
-- concurrent filings of the same day, department and category over several rows, so they do not queue on one
-- row lock. Merged-away cases (merged_into_id set) are not counted, as in the statistics.
CREATE TABLE case_stats_daily (
  day_no integer NOT NULL,
  department_id text NOT NULL DEFAULT '', -- '' = the centre's queue (no department)
  category text NOT NULL,
  shard smallint NOT NULL,
  filed integer NOT NULL DEFAULT 0,
  rejected integer NOT NULL DEFAULT 0,
  resolved integer NOT NULL DEFAULT 0,
  open integer NOT NULL DEFAULT 0,
  accepted integer NOT NULL DEFAULT 0,
  accepted_on_time integer NOT NULL DEFAULT 0,
  dispatched integer NOT NULL DEFAULT 0,
  dispatched_on_time integer NOT NULL DEFAULT 0,
  resolved_any integer NOT NULL DEFAULT 0,
  resolved_on_time integer NOT NULL DEFAULT 0,
  grassroots integer NOT NULL DEFAULT 0,
  PRIMARY KEY (day_no, department_id, category, shard)
);

-- The China-time day number of an instant (see case_stats_daily).
CREATE FUNCTION case_stats_day_no(t timestamptz) RETURNS integer LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT floor((extract(epoch FROM t) + 28800) / 86400)::integer
$$;

-- Adds (sign 1) or removes (sign -1) one case's contribution to the rollup.
CREATE FUNCTION case_stats_apply(c cases, sign integer) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF c.merged_into_id IS NOT NULL THEN
    RETURN;
  END IF;
  INSERT INTO case_stats_daily AS s (day_no, department_id, category, shard, filed, rejected, resolved, open, accepted,
    accepted_on_time, dispatched, dispatched_on_time, resolved_any, resolved_on_time, grassroots)
  VALUES (case_stats_day_no(c.created_at), coalesce(c.department_id, ''), c.category, (hashtext(c.id) & 7)::smallint,
    sign,
    sign * (c.state = 'rejected')::integer,
    sign * (c.state IN ('resolved', 'verified', 'closed'))::integer,
    sign * (c.state IN ('new', 'accepted', 'dispatched', 'in_progress'))::integer,
    sign * (c.accepted_at IS NOT NULL)::integer,
    sign * coalesce(c.accepted_at <= c.accept_due_at, false)::integer,
    sign * (c.dispatched_at IS NOT NULL)::integer,
    sign * coalesce(c.dispatched_at <= c.dispatch_due_at, false)::integer,
    sign * (c.resolved_at IS NOT NULL)::integer,
    sign * coalesce(c.resolved_at <= c.resolve_due_at, false)::integer,
    sign * (c.resolved_at IS NOT NULL AND coalesce(c.resolved_level IN ('village', 'township'), false))::integer)
  ON CONFLICT (day_no, department_id, category, shard) DO UPDATE SET
    filed = s.filed + excluded.filed,
    rejected = s.rejected + excluded.rejected,
    resolved = s.resolved + excluded.resolved,
    open = s.open + excluded.open,
    accepted = s.accepted + excluded.accepted,
    accepted_on_time = s.accepted_on_time + excluded.accepted_on_time,
    dispatched = s.dispatched + excluded.dispatched,
    dispatched_on_time = s.dispatched_on_time + excluded.dispatched_on_time,
    resolved_any = s.resolved_any + excluded.resolved_any,
    resolved_on_time = s.resolved_on_time + excluded.resolved_on_time,
    grassroots = s.grassroots + excluded.grassroots;
END
$$;

CREATE FUNCTION case_stats_track() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM case_stats_apply(NEW, 1);
  ELSIF TG_OP = 'DELETE' THEN
    PERFORM case_stats_apply(OLD, -1);
  ELSIF (coalesce(OLD.department_id, ''), OLD.category, OLD.created_at)
        <= (coalesce(NEW.department_id, ''), NEW.category, NEW.created_at) THEN
    -- Two rows at most, locked in key order, so that two updates never wait on each other crosswise.
    PERFORM case_stats_apply(OLD, -1);
    PERFORM case_stats_apply(NEW, 1);
  ELSE
    PERFORM case_stats_apply(NEW, 1);
    PERFORM case_stats_apply(OLD, -1);
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER case_stats_insert_delete AFTER INSERT OR DELETE ON cases
  FOR EACH ROW EXECUTE FUNCTION case_stats_track();
-- Only the columns the statistics read: attaching a report, escalating or editing a case costs nothing here.
CREATE TRIGGER case_stats_update AFTER UPDATE ON cases
  FOR EACH ROW WHEN (
    (OLD.state, OLD.department_id, OLD.category, OLD.created_at, OLD.merged_into_id, OLD.accepted_at,
     OLD.accept_due_at, OLD.dispatched_at, OLD.dispatch_due_at, OLD.resolved_at, OLD.resolve_due_at,
     OLD.resolved_level)
    IS DISTINCT FROM
    (NEW.state, NEW.department_id, NEW.category, NEW.created_at, NEW.merged_into_id, NEW.accepted_at,
     NEW.accept_due_at, NEW.dispatched_at, NEW.dispatch_due_at, NEW.resolved_at, NEW.resolve_due_at,
     NEW.resolved_level))
  EXECUTE FUNCTION case_stats_track();

-- The cases already there.
INSERT INTO case_stats_daily (day_no, department_id, category, shard, filed, rejected, resolved, open, accepted,
  accepted_on_time, dispatched, dispatched_on_time, resolved_any, resolved_on_time, grassroots)
SELECT case_stats_day_no(c.created_at), coalesce(c.department_id, ''), c.category, (hashtext(c.id) & 7)::smallint,
  count(*),
  count(*) FILTER (WHERE c.state = 'rejected'),
  count(*) FILTER (WHERE c.state IN ('resolved', 'verified', 'closed')),
  count(*) FILTER (WHERE c.state IN ('new', 'accepted', 'dispatched', 'in_progress')),
  count(c.accepted_at),
  count(*) FILTER (WHERE c.accepted_at <= c.accept_due_at),
  count(c.dispatched_at),
  count(*) FILTER (WHERE c.dispatched_at <= c.dispatch_due_at),
  count(c.resolved_at),
  count(*) FILTER (WHERE c.resolved_at <= c.resolve_due_at),
  count(*) FILTER (WHERE c.resolved_at IS NOT NULL AND c.resolved_level IN ('village', 'township'))
FROM cases c
WHERE c.merged_into_id IS NULL
GROUP BY 1, 2, 3, 4;

-- One filing after its duplicate locks (fileCase, src/cases/file-case.ts): the nearest open case of the category
-- within the radius (locked) gets the report (report_count + 1, an 'attach' event); without one, the routed case
-- is inserted (a 'file' event). The report, the audit event and one webhook delivery per matching subscription
-- (the outbox rows appendCaseEvent writes) go in the same statement. A PL/pgSQL function so that each
-- connection plans this statement once (a cached plan), not on every filing. Its snapshot is taken when it
-- runs, after the locks of the statement before, so it sees every filing that held them. The open states are
-- spelled out so that the partial GiST index on open cases applies; the degree box pre-filters for it.
CREATE FUNCTION case_file_report(
  category text, lon float8, lat float8, radius_m float8, pad_deg float8, new_case_id text, report_id text,
  now_ timestamptz, source text, severity text, polygon_geojson text, confidence real, incident_id text,
  jurisdiction_id text, department_id text, description text, level text, handling_jurisdiction_id text,
  grid_code text, assist_department_ids text[], evidence jsonb, address text, accept_due_at timestamptz,
  dispatch_due_at timestamptz, resolve_due_at timestamptz, resolve_due_estimated boolean, idempotency_key text,
  reporter jsonb, api_key_id text, actor text, actor_roles text[], at_iso text)
RETURNS TABLE (out_case cases, out_attached boolean) LANGUAGE plpgsql AS $$
#variable_conflict use_column
BEGIN
  -- Positional parameters only ($n), so that no parameter name shadows a column.
  RETURN QUERY
  WITH pt AS (SELECT ST_SetSRID(ST_MakePoint($2, $3), 4326) AS g),
    dup AS (
      SELECT c.id, ST_Distance(c.geom::geography, pt.g::geography) AS distance_m
      FROM cases c, pt
      WHERE $4 > 0 AND c.category = $1 AND c.state IN ('new', 'accepted', 'dispatched', 'in_progress')
        AND c.merged_into_id IS NULL
        AND c.geom && ST_Expand(pt.g, $5) AND ST_DWithin(c.geom::geography, pt.g::geography, $4)
      ORDER BY distance_m, c.created_at LIMIT 1 FOR UPDATE OF c),
    upd AS (
      UPDATE cases c SET report_count = c.report_count + 1, updated_at = $8 FROM dup WHERE c.id = dup.id
      RETURNING c AS r, dup.distance_m AS distance_m, true AS attached),
    ins AS (
      INSERT INTO cases AS n (id, category, state, source, severity, geom, ground_polygon, confidence, incident_id,
        jurisdiction_id, department_id, description, created_at, updated_at, level, handling_jurisdiction_id,
        grid_code, assist_department_ids, evidence, address, accept_due_at, dispatch_due_at, resolve_due_at,
        resolve_due_estimated)
      SELECT $6, $1, 'new', $9, $10, pt.g,
        CASE WHEN $11 IS NULL THEN NULL ELSE ST_SetSRID(ST_GeomFromGeoJSON($11), 4326) END,
        $12, $13, $14, $15, $16, $8, $8, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26
      FROM pt WHERE NOT EXISTS (SELECT 1 FROM dup)
      RETURNING n AS r, NULL::float8 AS distance_m, false AS attached),
    cs AS (SELECT * FROM upd UNION ALL SELECT * FROM ins),
    rep AS (
      INSERT INTO case_reports (id, case_id, source, incident_id, idempotency_key, geom, severity, confidence,
        description, reporter, evidence, api_key_id, created_at)
      SELECT $7, (cs.r).id, $9, $13, $27, pt.g, $10, $12, $16, $28, $21, $29, $8
      FROM cs, pt),
    ev AS (
      INSERT INTO case_events (case_id, at, actor, actor_roles, kind, action, from_state, to_state, level,
        department_id, note, evidence)
      SELECT (cs.r).id, $8, $30, $31, CASE WHEN cs.attached THEN 'attach' ELSE 'file' END, NULL,
        CASE WHEN cs.attached THEN (cs.r).state END, (cs.r).state, (cs.r).level, (cs.r).department_id,
        CASE WHEN cs.attached
          THEN '重复诉求并单 / duplicate ' || $9 || ' report ' || $7 || ' attached ('
            || floor(cs.distance_m + 0.5)::bigint || ' m)'
          ELSE $16 END,
        $21
      FROM cs
      RETURNING case_events.id AS event_id, case_events.kind AS kind, case_events.from_state AS from_state,
        case_events.to_state AS to_state, case_events.level AS level, case_events.department_id AS department_id,
        case_events.note AS note),
    wh AS (
      INSERT INTO webhook_deliveries (subscription_id, event_id, case_id, payload, next_attempt_at)
      SELECT s.id, 'evt-' || ev.event_id, (cs.r).id,
        jsonb_build_object('type', 'case.' || ev.kind, 'at', $32, 'caseId', (cs.r).id, 'category', $1,
          'source', (cs.r).source, 'from', ev.from_state, 'to', ev.to_state, 'level', ev.level,
          'departmentId', ev.department_id, 'note', ev.note, 'eventId', 'evt-' || ev.event_id),
        $8
      FROM ev, cs, webhook_subscriptions s
      WHERE s.active AND (cardinality(s.event_kinds) = 0 OR 'case.' || ev.kind = ANY (s.event_kinds))
        AND (cardinality(s.sources) = 0 OR (cs.r).source = ANY (s.sources))
      ON CONFLICT ON CONSTRAINT webhook_deliveries_subscription_id_event_id_key DO NOTHING)
  SELECT cs.r, cs.attached FROM cs;
END
$$;
