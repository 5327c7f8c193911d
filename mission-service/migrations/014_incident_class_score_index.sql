-- The review queue filtered by class and score (`GET /api/incidents?class=…&minScore=…`, issue 19 bench): without
-- this its total was a sequential scan of every incident (~16 ms at 10,000 on a busy machine, ~2 ms with it for
-- a selective filter). Broad filters (a third of the table) still scan, as they should.
CREATE INDEX incidents_class_confidence ON incidents (class, confidence);
