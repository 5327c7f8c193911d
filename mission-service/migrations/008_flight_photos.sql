-- Photos belong to flights (issue 19.1): how each photo came to its flight, who may see it, and what the flight
-- was expected to bring home. PostgreSQL 15 + PostGIS 3.3 and PGlite alike.

-- attribution: 'given' (the upload named the flight, e.g. the dock was told it), 'matched' (the service found the
-- flight by drone and capture time), 'none' (no flight fits: kept and listed as unattributed).
-- department_id: the department of the flight's drone, else the uploader's: photos are seen as their drone is.
ALTER TABLE images
  ADD COLUMN attribution text NOT NULL DEFAULT 'none' CHECK (attribution IN ('given', 'matched', 'none')),
  ADD COLUMN drone_id text REFERENCES drones (id) ON DELETE SET NULL,
  ADD COLUMN department_id text REFERENCES departments (id),
  ADD COLUMN uploaded_by text;
UPDATE images i SET attribution = 'given', drone_id = f.drone_id,
  department_id = (SELECT d.department_id FROM drones d WHERE d.id = f.drone_id)
FROM flights f WHERE f.id = i.flight_id;
CREATE INDEX images_unattributed ON images (created_at) WHERE flight_id IS NULL;
CREATE INDEX images_taken_at ON images (taken_at);

-- Finding a drone's flight by capture time.
CREATE INDEX flights_drone_started ON flights (drone_id, started_at);
CREATE INDEX flights_started ON flights (started_at);

-- The shots a mission's sortie was planned to take ([lon, lat] in order), kept with the mission so a later re-plan
-- does not change what an earlier flight is measured against. NULL for missions created before this migration
-- (their plan's current document answers instead).
ALTER TABLE missions ADD COLUMN expected_shots jsonb;
