-- The case-statistics rule in one place: what one case counts towards (filed, rejected, resolved, open, accepted /
-- dispatched / resolved and whether on time, resolved at the grassroots). The daily rollup's trigger
-- (case_stats_apply) and getCaseStats' count of the partial edge days (src/stats/case-stats.ts) both read it;
-- until now each spelled it out (and migration 005's one-time backfill a third time).
CREATE TYPE case_stats_counts AS (
  filed integer,
  rejected integer,
  resolved integer,
  open integer,
  accepted integer,
  accepted_on_time integer,
  dispatched integer,
  dispatched_on_time integer,
  resolved_any integer,
  resolved_on_time integer,
  grassroots integer
);

-- 0 or 1 per measure for one case (merged-away cases are left out by the callers).
CREATE FUNCTION case_stats_measures(c cases) RETURNS case_stats_counts LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT ROW(
    1,
    (c.state = 'rejected')::integer,
    (c.state IN ('resolved', 'verified', 'closed'))::integer,
    (c.state IN ('new', 'accepted', 'dispatched', 'in_progress'))::integer,
    (c.accepted_at IS NOT NULL)::integer,
    coalesce(c.accepted_at <= c.accept_due_at, false)::integer,
    (c.dispatched_at IS NOT NULL)::integer,
    coalesce(c.dispatched_at <= c.dispatch_due_at, false)::integer,
    (c.resolved_at IS NOT NULL)::integer,
    coalesce(c.resolved_at <= c.resolve_due_at, false)::integer,
    (c.resolved_at IS NOT NULL AND coalesce(c.resolved_level IN ('village', 'township'), false))::integer
  )::case_stats_counts
$$;

-- Adds (sign 1) or removes (sign -1) one case's contribution to the rollup (as in 005, now from the rule above).
CREATE OR REPLACE FUNCTION case_stats_apply(c cases, sign integer) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  m case_stats_counts;
BEGIN
  IF c.merged_into_id IS NOT NULL THEN
    RETURN;
  END IF;
  m := case_stats_measures(c);
  INSERT INTO case_stats_daily AS s (day_no, department_id, category, shard, filed, rejected, resolved, open, accepted,
    accepted_on_time, dispatched, dispatched_on_time, resolved_any, resolved_on_time, grassroots)
  VALUES (case_stats_day_no(c.created_at), coalesce(c.department_id, ''), c.category, (hashtext(c.id) & 7)::smallint,
    sign * m.filed, sign * m.rejected, sign * m.resolved, sign * m.open, sign * m.accepted, sign * m.accepted_on_time,
    sign * m.dispatched, sign * m.dispatched_on_time, sign * m.resolved_any, sign * m.resolved_on_time,
    sign * m.grassroots)
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
