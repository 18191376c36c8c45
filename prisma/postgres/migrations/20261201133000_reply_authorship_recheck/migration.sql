-- AlterTable: rows written from here on are checked; the ones already there were indexed before authorship came
-- from sender id and send ledger (ADR 087) and are re-checked against FleetLM in the background (ADR 067).
ALTER TABLE "ReplyIndex" ADD COLUMN     "authorshipChecked" BOOLEAN NOT NULL DEFAULT true;
UPDATE "ReplyIndex" SET "authorshipChecked" = false;

-- CreateIndex
CREATE INDEX "ReplyIndex_authorshipChecked_sessionId_seq_idx" ON "ReplyIndex"("authorshipChecked", "sessionId", "seq");
