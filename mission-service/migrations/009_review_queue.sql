-- The officer's review queue (研判, issue 19.2): drone-found incidents wait as 'to_review' (待研判) before they
-- become cases, unless their category auto-files them above a score. Every decision is kept: confirmations,
-- rejections (labelled negatives for the model, with the reason) and class changes.

-- review_state: to_review 待研判 → confirmed 已确认 (an officer filed it) | rejected 已驳回 (false positive) ;
-- auto_filed 自动立案 (its category's auto-file score was reached). department_id: the department of the drone
-- whose photo first found it (who may see it).
ALTER TABLE incidents
  ADD COLUMN review_state text NOT NULL DEFAULT 'to_review'
    CHECK (review_state IN ('to_review', 'confirmed', 'rejected', 'auto_filed')),
  ADD COLUMN reviewed_by text,
  ADD COLUMN reviewed_at timestamptz,
  ADD COLUMN review_note text,
  ADD COLUMN original_class text,
  ADD COLUMN department_id text REFERENCES departments (id);
UPDATE incidents n SET review_state = 'auto_filed' WHERE EXISTS (SELECT 1 FROM case_reports r WHERE r.incident_id = n.id);
CREATE INDEX incidents_review_state_seen ON incidents (review_state, last_seen_at DESC, id DESC);
CREATE INDEX incidents_seen ON incidents (last_seen_at DESC, id DESC);
CREATE INDEX incidents_to_review_geom ON incidents USING gist (geom) WHERE review_state = 'to_review';
-- The class the model gave, kept when an officer corrects a detection's class (NULL: never corrected).
ALTER TABLE detections ADD COLUMN model_class text;
CREATE INDEX detections_created ON detections (created_at DESC, id DESC);

-- Per category: incidents with a confidence at or above this score are filed without review; NULL = always
-- reviewed. Defaults: an open fire (urgent, spreads within hours) files itself at 0.9; outfalls and slopes wait for
-- an officer.
ALTER TABLE case_categories
  ADD COLUMN auto_file_min_score real CHECK (auto_file_min_score >= 0 AND auto_file_min_score <= 1);
UPDATE case_categories SET auto_file_min_score = 0.9 WHERE category = 'straw_burning';

-- Labels of detections: what an officer decided (negative: a false positive kept for training, with the reason;
-- positive: confirmed, possibly with a corrected class). One row per detection and decision; append-only.
CREATE TABLE detection_labels (
  id bigserial PRIMARY KEY,
  detection_id text NOT NULL REFERENCES detections (id) ON DELETE CASCADE,
  incident_id text REFERENCES incidents (id) ON DELETE SET NULL,
  label text NOT NULL CHECK (label IN ('positive', 'negative')),
  class text NOT NULL CHECK (class IN ('straw_burning', 'sewage_outfall', 'exposed_slope')),
  model_class text NOT NULL,
  reason text,
  labelled_by text NOT NULL,
  labelled_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX detection_labels_detection ON detection_labels (detection_id, id);
CREATE INDEX detection_labels_label ON detection_labels (label, labelled_at);
