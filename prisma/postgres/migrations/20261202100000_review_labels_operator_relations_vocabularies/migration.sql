-- Review labels move from a comma-separated column to their own table; the bare operator ids get foreign keys;
-- role, rating and FleetLM session status get CHECK constraints (ADR 145). The SQLite twin does the same.

-- Review labels: one row per (review, label), split on commas, trimmed, empty parts and repeats dropped.
CREATE TABLE "ReviewLabel" (
    "reviewId" TEXT NOT NULL,
    "label" TEXT NOT NULL,

    CONSTRAINT "ReviewLabel_pkey" PRIMARY KEY ("reviewId","label")
);
CREATE INDEX "ReviewLabel_label_idx" ON "ReviewLabel"("label");
ALTER TABLE "ReviewLabel" ADD CONSTRAINT "ReviewLabel_reviewId_fkey" FOREIGN KEY ("reviewId") REFERENCES "Review"("id") ON DELETE CASCADE ON UPDATE CASCADE;
INSERT INTO "ReviewLabel" ("reviewId", "label")
SELECT DISTINCT r."id", btrim(p."part", E' \t\n\r')
FROM "Review" r CROSS JOIN LATERAL unnest(string_to_array(r."labels", ',')) AS p("part")
WHERE btrim(p."part", E' \t\n\r') <> ''
ON CONFLICT DO NOTHING;
ALTER TABLE "Review" DROP COLUMN "labels";

-- Operator ids that point nowhere are cleared before their foreign keys exist. A private view whose owner is
-- gone is deleted (a NULL owner would make it a team view), as the new key would delete it.
UPDATE "SessionIndex" SET "assigneeId" = NULL WHERE "assigneeId" NOT IN (SELECT "id" FROM "Operator");
UPDATE "Takeover" SET "releasedById" = NULL WHERE "releasedById" NOT IN (SELECT "id" FROM "Operator");
UPDATE "ReplyIndex" SET "flaggedById" = NULL WHERE "flaggedById" NOT IN (SELECT "id" FROM "Operator");
UPDATE "QueueItem" SET "reservedById" = NULL, "reservedUntil" = NULL WHERE "reservedById" NOT IN (SELECT "id" FROM "Operator");
DELETE FROM "SavedView" WHERE "ownerId" NOT IN (SELECT "id" FROM "Operator");
UPDATE "ReviewQueue" SET "createdById" = NULL WHERE "createdById" NOT IN (SELECT "id" FROM "Operator");
UPDATE "Dataset" SET "createdById" = NULL WHERE "createdById" NOT IN (SELECT "id" FROM "Operator");
UPDATE "ScoreConfig" SET "createdById" = NULL WHERE "createdById" NOT IN (SELECT "id" FROM "Operator");
UPDATE "GatedAgent" SET "createdById" = NULL WHERE "createdById" NOT IN (SELECT "id" FROM "Operator");
UPDATE "ConsoleSetting" SET "updatedById" = NULL WHERE "updatedById" NOT IN (SELECT "id" FROM "Operator");

-- AddForeignKey
ALTER TABLE "SessionIndex" ADD CONSTRAINT "SessionIndex_assigneeId_fkey" FOREIGN KEY ("assigneeId") REFERENCES "Operator"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "SavedView" ADD CONSTRAINT "SavedView_ownerId_fkey" FOREIGN KEY ("ownerId") REFERENCES "Operator"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "Takeover" ADD CONSTRAINT "Takeover_releasedById_fkey" FOREIGN KEY ("releasedById") REFERENCES "Operator"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "GatedAgent" ADD CONSTRAINT "GatedAgent_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "Operator"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "ConsoleSetting" ADD CONSTRAINT "ConsoleSetting_updatedById_fkey" FOREIGN KEY ("updatedById") REFERENCES "Operator"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "ReplyIndex" ADD CONSTRAINT "ReplyIndex_flaggedById_fkey" FOREIGN KEY ("flaggedById") REFERENCES "Operator"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "ScoreConfig" ADD CONSTRAINT "ScoreConfig_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "Operator"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "ReviewQueue" ADD CONSTRAINT "ReviewQueue_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "Operator"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "QueueItem" ADD CONSTRAINT "QueueItem_reservedById_fkey" FOREIGN KEY ("reservedById") REFERENCES "Operator"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "Dataset" ADD CONSTRAINT "Dataset_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "Operator"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- The stored vocabularies (app/lib/vocabulary.ts), enforced by triggers: a CHECK constraint would do the same, but
-- Prisma 6.19's JS schema engine crashes on one ("RuntimeError: unreachable" in `prisma migrate dev`), ADR 145.
-- Rows already stored must be in the vocabulary too (SQLite's rebuilt tables refuse them the same way).
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM "Operator" WHERE "role" NOT IN ('admin', 'operator', 'auditor'))
    OR EXISTS (SELECT 1 FROM "Review" WHERE "rating" NOT IN ('good', 'bad'))
    OR EXISTS (SELECT 1 FROM "DatasetItem" WHERE "rating" NOT IN ('good', 'bad'))
    OR EXISTS (SELECT 1 FROM "SessionIndex" WHERE "status" NOT IN ('active', 'inactive', 'archived')) THEN
    RAISE EXCEPTION 'a stored role, rating or session status is outside its vocabulary' USING ERRCODE = 'check_violation';
  END IF;
END $$;
CREATE FUNCTION "console_vocabulary_check"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  value text := to_jsonb(NEW) ->> TG_ARGV[0];
BEGIN
  IF value IS NOT NULL AND NOT (value = ANY (TG_ARGV[1:])) THEN
    RAISE EXCEPTION '%.% must be one of %, not %', TG_TABLE_NAME, TG_ARGV[0], TG_ARGV[1:], value USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER "Operator_role_check" BEFORE INSERT OR UPDATE OF "role" ON "Operator"
  FOR EACH ROW EXECUTE FUNCTION "console_vocabulary_check"('role', 'admin', 'operator', 'auditor');
CREATE TRIGGER "Review_rating_check" BEFORE INSERT OR UPDATE OF "rating" ON "Review"
  FOR EACH ROW EXECUTE FUNCTION "console_vocabulary_check"('rating', 'good', 'bad');
CREATE TRIGGER "DatasetItem_rating_check" BEFORE INSERT OR UPDATE OF "rating" ON "DatasetItem"
  FOR EACH ROW EXECUTE FUNCTION "console_vocabulary_check"('rating', 'good', 'bad');
CREATE TRIGGER "SessionIndex_status_check" BEFORE INSERT OR UPDATE OF "status" ON "SessionIndex"
  FOR EACH ROW EXECUTE FUNCTION "console_vocabulary_check"('status', 'active', 'inactive', 'archived');
