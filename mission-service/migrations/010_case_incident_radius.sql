-- Cases keep every incident (issue 19.3). A drone incident attaches to an open case of its category only within
-- this distance: two fires 172 m apart are two cases. Hotline and other reports keep duplicate_radius_m (250 m):
-- a caller's location is rough, a drone's is metres. Defaults: fires 50 m (one burning field), outfalls 30 m (one
-- pipe on one bank), slopes 100 m (one excavation face).
ALTER TABLE case_categories
  ADD COLUMN drone_attach_radius_m real NOT NULL DEFAULT 50
    CHECK (drone_attach_radius_m >= 0 AND drone_attach_radius_m <= 10000);
UPDATE case_categories SET drone_attach_radius_m = CASE category
  WHEN 'straw_burning' THEN 50 WHEN 'sewage_outfall' THEN 30 ELSE 100 END;

-- Evidence never names a file on the server: crops are served at /api/detections/{id}/crop.
UPDATE cases SET evidence = (evidence - 'crop') || jsonb_build_object('cropUrl',
    CASE WHEN evidence->>'bestDetectionId' IS NULL THEN NULL
         ELSE '/api/detections/' || (evidence->>'bestDetectionId') || '/crop' END)
  WHERE jsonb_typeof(evidence) = 'object' AND evidence ? 'crop';
UPDATE case_reports SET evidence = (evidence - 'crop') || jsonb_build_object('cropUrl',
    CASE WHEN evidence->>'bestDetectionId' IS NULL THEN NULL
         ELSE '/api/detections/' || (evidence->>'bestDetectionId') || '/crop' END)
  WHERE jsonb_typeof(evidence) = 'object' AND evidence ? 'crop';
