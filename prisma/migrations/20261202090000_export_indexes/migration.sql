-- The exports look up a reply's final values in any queue (ADR 115).
CREATE INDEX "Adjudication_sessionId_seq_idx" ON "Adjudication"("sessionId", "seq");

-- A dataset export reads keyset pages by id: in index order, instead of sorting the whole dataset for every page.
CREATE INDEX "DatasetItem_datasetId_id_idx" ON "DatasetItem"("datasetId", "id");
