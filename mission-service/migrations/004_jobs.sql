-- Triage jobs (issue 7): what the durable jobs ingest → triage → merge → file record beside 001's images,
-- detections and incidents. The queue itself is pg-boss's own schema `pgboss` (created by pg-boss at start,
-- under its advisory lock). PostgreSQL 15 + PostGIS 3.3 and PGlite alike.

-- When a photo was triaged, by which model (NULL: metadata + georeferencing only, no model configured), and
-- how many triage attempts it took (a failure after the last retry keeps the reason in images.error).
ALTER TABLE images
  ADD COLUMN triaged_at timestamptz,
  ADD COLUMN triage_model text,
  ADD COLUMN triage_attempts integer NOT NULL DEFAULT 0;
CREATE INDEX images_flight_status ON images (flight_id, status);

-- Detections are keyed deterministically (photo + model + class + box), so a re-run triage job writes nothing
-- new; the evidence crop of each lies on disk beside the photos.
ALTER TABLE detections
  ADD COLUMN model text,
  ADD COLUMN crop_path text;
CREATE INDEX detections_incident ON detections (incident_id);

-- Incidents accumulate evidence across photos and flights: a later flight over a known incident adds to it.
ALTER TABLE incidents
  ADD COLUMN detection_count integer NOT NULL DEFAULT 0,
  ADD COLUMN photo_count integer NOT NULL DEFAULT 0,
  ADD COLUMN flight_ids text[] NOT NULL DEFAULT '{}';
CREATE INDEX incidents_class ON incidents (class);
