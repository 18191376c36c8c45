-- Review labels move from a comma-separated column to their own table; the bare operator ids get foreign keys;
-- role, rating and FleetLM session status get CHECK constraints (ADR 145). The PostgreSQL twin does the same.

-- Review labels: one row per (review, label), split on commas, trimmed, empty parts and repeats dropped.
CREATE TABLE "ReviewLabel" (
    "reviewId" TEXT NOT NULL,
    "label" TEXT NOT NULL,

    PRIMARY KEY ("reviewId", "label"),
    CONSTRAINT "ReviewLabel_reviewId_fkey" FOREIGN KEY ("reviewId") REFERENCES "Review" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX "ReviewLabel_label_idx" ON "ReviewLabel"("label");
INSERT OR IGNORE INTO "ReviewLabel" ("reviewId", "label")
WITH RECURSIVE "parts" ("reviewId", "part", "rest") AS (
    SELECT "id", NULL, "labels" || ',' FROM "Review" WHERE "labels" <> ''
    UNION ALL
    SELECT "reviewId", trim(substr("rest", 1, instr("rest", ',') - 1), ' ' || char(9) || char(10) || char(13)), substr("rest", instr("rest", ',') + 1)
    FROM "parts" WHERE "rest" <> ''
)
SELECT "reviewId", "part" FROM "parts" WHERE "part" <> '';

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

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_ConsoleSetting" (
    "key" TEXT NOT NULL PRIMARY KEY,
    "value" TEXT NOT NULL,
    "updatedById" TEXT,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "ConsoleSetting_updatedById_fkey" FOREIGN KEY ("updatedById") REFERENCES "Operator" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);
INSERT INTO "new_ConsoleSetting" ("key", "updatedAt", "updatedById", "value") SELECT "key", "updatedAt", "updatedById", "value" FROM "ConsoleSetting";
DROP TABLE "ConsoleSetting";
ALTER TABLE "new_ConsoleSetting" RENAME TO "ConsoleSetting";
CREATE TABLE "new_Dataset" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "createdById" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "Dataset_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "Operator" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);
INSERT INTO "new_Dataset" ("createdAt", "createdById", "description", "id", "name") SELECT "createdAt", "createdById", "description", "id", "name" FROM "Dataset";
DROP TABLE "Dataset";
ALTER TABLE "new_Dataset" RENAME TO "Dataset";
CREATE UNIQUE INDEX "Dataset_name_key" ON "Dataset"("name");
CREATE TABLE "new_GatedAgent" (
    "agentId" TEXT NOT NULL PRIMARY KEY,
    "originUrl" TEXT NOT NULL,
    "webhookPath" TEXT NOT NULL,
    "headers" TEXT NOT NULL DEFAULT '{}',
    "gateToken" TEXT NOT NULL,
    "createdById" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "GatedAgent_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "Operator" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);
INSERT INTO "new_GatedAgent" ("agentId", "createdAt", "createdById", "gateToken", "headers", "originUrl", "webhookPath") SELECT "agentId", "createdAt", "createdById", "gateToken", "headers", "originUrl", "webhookPath" FROM "GatedAgent";
DROP TABLE "GatedAgent";
ALTER TABLE "new_GatedAgent" RENAME TO "GatedAgent";
CREATE TABLE "new_QueueItem" (
    "queueId" TEXT NOT NULL,
    "sessionId" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "rank" TEXT NOT NULL,
    "reviewsDone" INTEGER NOT NULL DEFAULT 0,
    "reservedById" TEXT,
    "reservedUntil" DATETIME,

    PRIMARY KEY ("queueId", "sessionId", "seq"),
    CONSTRAINT "QueueItem_queueId_fkey" FOREIGN KEY ("queueId") REFERENCES "ReviewQueue" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "QueueItem_reservedById_fkey" FOREIGN KEY ("reservedById") REFERENCES "Operator" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
INSERT INTO "new_QueueItem" ("queueId", "rank", "reservedById", "reservedUntil", "reviewsDone", "seq", "sessionId") SELECT "queueId", "rank", "reservedById", "reservedUntil", "reviewsDone", "seq", "sessionId" FROM "QueueItem";
DROP TABLE "QueueItem";
ALTER TABLE "new_QueueItem" RENAME TO "QueueItem";
CREATE INDEX "QueueItem_queueId_reviewsDone_rank_idx" ON "QueueItem"("queueId", "reviewsDone", "rank");
CREATE INDEX "QueueItem_queueId_reservedById_idx" ON "QueueItem"("queueId", "reservedById");
CREATE TABLE "new_ReplyIndex" (
    "sessionId" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "agentId" TEXT NOT NULL,
    "termination" TEXT NOT NULL,
    "latencyMs" INTEGER,
    "consoleLatencyMs" INTEGER,
    "ttftMs" INTEGER,
    "streamMs" INTEGER,
    "length" INTEGER NOT NULL,
    "byOperator" BOOLEAN NOT NULL DEFAULT false,
    "at" DATETIME NOT NULL,
    "flaggedAt" DATETIME,
    "flaggedById" TEXT,
    "authorshipChecked" BOOLEAN NOT NULL DEFAULT true,

    PRIMARY KEY ("sessionId", "seq"),
    CONSTRAINT "ReplyIndex_flaggedById_fkey" FOREIGN KEY ("flaggedById") REFERENCES "Operator" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
INSERT INTO "new_ReplyIndex" ("agentId", "at", "authorshipChecked", "byOperator", "consoleLatencyMs", "flaggedAt", "flaggedById", "latencyMs", "length", "seq", "sessionId", "streamMs", "termination", "ttftMs") SELECT "agentId", "at", "authorshipChecked", "byOperator", "consoleLatencyMs", "flaggedAt", "flaggedById", "latencyMs", "length", "seq", "sessionId", "streamMs", "termination", "ttftMs" FROM "ReplyIndex";
DROP TABLE "ReplyIndex";
ALTER TABLE "new_ReplyIndex" RENAME TO "ReplyIndex";
CREATE INDEX "ReplyIndex_authorshipChecked_sessionId_seq_idx" ON "ReplyIndex"("authorshipChecked", "sessionId", "seq");
CREATE INDEX "ReplyIndex_agentId_at_idx" ON "ReplyIndex"("agentId", "at");
CREATE INDEX "ReplyIndex_flaggedAt_idx" ON "ReplyIndex"("flaggedAt");
CREATE INDEX "ReplyIndex_at_idx" ON "ReplyIndex"("at");
CREATE TABLE "new_Review" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "sessionId" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "agentId" TEXT NOT NULL,
    "reviewerId" TEXT NOT NULL,
    "rating" TEXT NOT NULL CONSTRAINT "Review_rating_check" CHECK ("rating" IN ('good', 'bad')),
    "comment" TEXT NOT NULL DEFAULT '',
    "textSnapshot" TEXT NOT NULL,
    "snapshotSource" TEXT NOT NULL DEFAULT 'fleetlm',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Review_reviewerId_fkey" FOREIGN KEY ("reviewerId") REFERENCES "Operator" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);
INSERT INTO "new_Review" ("agentId", "comment", "createdAt", "id", "rating", "reviewerId", "seq", "sessionId", "snapshotSource", "textSnapshot", "updatedAt") SELECT "agentId", "comment", "createdAt", "id", "rating", "reviewerId", "seq", "sessionId", "snapshotSource", "textSnapshot", "updatedAt" FROM "Review";
DROP TABLE "Review";
ALTER TABLE "new_Review" RENAME TO "Review";
CREATE INDEX "Review_agentId_createdAt_idx" ON "Review"("agentId", "createdAt");
CREATE INDEX "Review_createdAt_idx" ON "Review"("createdAt");
CREATE UNIQUE INDEX "Review_sessionId_seq_reviewerId_key" ON "Review"("sessionId", "seq", "reviewerId");
CREATE TABLE "new_ReviewQueue" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "filters" TEXT NOT NULL DEFAULT '{}',
    "scoreKeys" TEXT NOT NULL DEFAULT '[]',
    "reviewerIds" TEXT NOT NULL DEFAULT '[]',
    "reviewsNeeded" INTEGER NOT NULL DEFAULT 1,
    "reserveMinutes" INTEGER NOT NULL DEFAULT 15,
    "createdById" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "archivedAt" DATETIME,
    CONSTRAINT "ReviewQueue_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "Operator" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);
INSERT INTO "new_ReviewQueue" ("archivedAt", "createdAt", "createdById", "description", "filters", "id", "name", "reserveMinutes", "reviewerIds", "reviewsNeeded", "scoreKeys") SELECT "archivedAt", "createdAt", "createdById", "description", "filters", "id", "name", "reserveMinutes", "reviewerIds", "reviewsNeeded", "scoreKeys" FROM "ReviewQueue";
DROP TABLE "ReviewQueue";
ALTER TABLE "new_ReviewQueue" RENAME TO "ReviewQueue";
CREATE UNIQUE INDEX "ReviewQueue_name_key" ON "ReviewQueue"("name");
CREATE TABLE "new_SavedView" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "search" TEXT NOT NULL,
    "ownerId" TEXT,
    "createdBy" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "SavedView_ownerId_fkey" FOREIGN KEY ("ownerId") REFERENCES "Operator" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_SavedView" ("createdAt", "createdBy", "id", "name", "ownerId", "search") SELECT "createdAt", "createdBy", "id", "name", "ownerId", "search" FROM "SavedView";
DROP TABLE "SavedView";
ALTER TABLE "new_SavedView" RENAME TO "SavedView";
CREATE INDEX "SavedView_ownerId_idx" ON "SavedView"("ownerId");
CREATE TABLE "new_ScoreConfig" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "key" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "label" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "rubric" TEXT NOT NULL DEFAULT '',
    "min" REAL,
    "max" REAL,
    "step" REAL,
    "options" TEXT NOT NULL DEFAULT '[]',
    "required" BOOLEAN NOT NULL DEFAULT true,
    "retired" BOOLEAN NOT NULL DEFAULT false,
    "createdById" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "ScoreConfig_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "Operator" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);
INSERT INTO "new_ScoreConfig" ("createdAt", "createdById", "description", "id", "key", "kind", "label", "max", "min", "options", "required", "retired", "rubric", "step", "version") SELECT "createdAt", "createdById", "description", "id", "key", "kind", "label", "max", "min", "options", "required", "retired", "rubric", "step", "version" FROM "ScoreConfig";
DROP TABLE "ScoreConfig";
ALTER TABLE "new_ScoreConfig" RENAME TO "ScoreConfig";
CREATE UNIQUE INDEX "ScoreConfig_key_version_key" ON "ScoreConfig"("key", "version");
CREATE TABLE "new_SessionIndex" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "userId" TEXT NOT NULL,
    "agentId" TEXT NOT NULL,
    "status" TEXT NOT NULL CONSTRAINT "SessionIndex_status_check" CHECK ("status" IN ('active', 'inactive', 'archived')),
    "createdAt" DATETIME NOT NULL,
    "headSeq" INTEGER NOT NULL DEFAULT 0,
    "opCount" INTEGER NOT NULL DEFAULT 0,
    "userCount" INTEGER NOT NULL DEFAULT 0,
    "lastActivityAt" DATETIME,
    "lastSenderId" TEXT,
    "lastSenderRole" TEXT,
    "lastPreview" TEXT,
    "assigneeId" TEXT,
    "state" TEXT NOT NULL DEFAULT 'pending',
    "snoozedUntil" DATETIME,
    "waitingSince" DATETIME,
    "handoffReason" TEXT,
    "stateChangedAt" DATETIME,
    "lostCount" INTEGER NOT NULL DEFAULT 0,
    "indexedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "SessionIndex_assigneeId_fkey" FOREIGN KEY ("assigneeId") REFERENCES "Operator" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
INSERT INTO "new_SessionIndex" ("agentId", "assigneeId", "createdAt", "handoffReason", "headSeq", "id", "indexedAt", "lastActivityAt", "lastPreview", "lastSenderId", "lastSenderRole", "lostCount", "opCount", "snoozedUntil", "state", "stateChangedAt", "status", "updatedAt", "userCount", "userId", "waitingSince") SELECT "agentId", "assigneeId", "createdAt", "handoffReason", "headSeq", "id", "indexedAt", "lastActivityAt", "lastPreview", "lastSenderId", "lastSenderRole", "lostCount", "opCount", "snoozedUntil", "state", "stateChangedAt", "status", "updatedAt", "userCount", "userId", "waitingSince" FROM "SessionIndex";
DROP TABLE "SessionIndex";
ALTER TABLE "new_SessionIndex" RENAME TO "SessionIndex";
CREATE INDEX "SessionIndex_lastActivityAt_idx" ON "SessionIndex"("lastActivityAt");
CREATE INDEX "SessionIndex_userId_idx" ON "SessionIndex"("userId");
CREATE INDEX "SessionIndex_agentId_lastActivityAt_idx" ON "SessionIndex"("agentId", "lastActivityAt");
CREATE INDEX "SessionIndex_status_lastActivityAt_idx" ON "SessionIndex"("status", "lastActivityAt");
CREATE INDEX "SessionIndex_assigneeId_lastActivityAt_idx" ON "SessionIndex"("assigneeId", "lastActivityAt");
CREATE INDEX "SessionIndex_lastSenderRole_lastActivityAt_idx" ON "SessionIndex"("lastSenderRole", "lastActivityAt");
CREATE INDEX "SessionIndex_state_waitingSince_idx" ON "SessionIndex"("state", "waitingSince");
CREATE INDEX "SessionIndex_state_lastActivityAt_idx" ON "SessionIndex"("state", "lastActivityAt");
CREATE INDEX "SessionIndex_lostCount_lastActivityAt_idx" ON "SessionIndex"("lostCount", "lastActivityAt");
CREATE TABLE "new_Takeover" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "sessionId" TEXT NOT NULL,
    "activeSessionId" TEXT,
    "operatorId" TEXT NOT NULL,
    "reason" TEXT,
    "startedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastActivityAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "releasedAt" DATETIME,
    "releaseReason" TEXT,
    "releasedById" TEXT,
    CONSTRAINT "Takeover_operatorId_fkey" FOREIGN KEY ("operatorId") REFERENCES "Operator" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "Takeover_releasedById_fkey" FOREIGN KEY ("releasedById") REFERENCES "Operator" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);
INSERT INTO "new_Takeover" ("activeSessionId", "id", "lastActivityAt", "operatorId", "reason", "releaseReason", "releasedAt", "releasedById", "sessionId", "startedAt") SELECT "activeSessionId", "id", "lastActivityAt", "operatorId", "reason", "releaseReason", "releasedAt", "releasedById", "sessionId", "startedAt" FROM "Takeover";
DROP TABLE "Takeover";
ALTER TABLE "new_Takeover" RENAME TO "Takeover";
CREATE UNIQUE INDEX "Takeover_activeSessionId_key" ON "Takeover"("activeSessionId");
CREATE INDEX "Takeover_sessionId_startedAt_idx" ON "Takeover"("sessionId", "startedAt");
CREATE INDEX "Takeover_operatorId_releasedAt_idx" ON "Takeover"("operatorId", "releasedAt");
-- Not changed for Prisma: rebuilt by hand for their CHECK constraints (SQLite cannot add one to a table).
CREATE TABLE "new_Operator" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "email" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "role" TEXT NOT NULL CONSTRAINT "Operator_role_check" CHECK ("role" IN ('admin', 'operator', 'auditor')),
    "passwordHash" TEXT NOT NULL,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "unreadBadge" BOOLEAN,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);
INSERT INTO "new_Operator" ("id", "email", "name", "role", "passwordHash", "active", "unreadBadge", "createdAt", "updatedAt") SELECT "id", "email", "name", "role", "passwordHash", "active", "unreadBadge", "createdAt", "updatedAt" FROM "Operator";
DROP TABLE "Operator";
ALTER TABLE "new_Operator" RENAME TO "Operator";
CREATE UNIQUE INDEX "Operator_email_key" ON "Operator"("email");
CREATE TABLE "new_DatasetItem" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "datasetId" TEXT NOT NULL,
    "sessionId" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "reviewId" TEXT,
    "messages" TEXT NOT NULL,
    "reply" TEXT NOT NULL,
    "corrected" TEXT,
    "rating" TEXT CONSTRAINT "DatasetItem_rating_check" CHECK ("rating" IS NULL OR "rating" IN ('good', 'bad')),
    "scores" TEXT NOT NULL DEFAULT '{}',
    "addedById" TEXT NOT NULL,
    "addedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "DatasetItem_datasetId_fkey" FOREIGN KEY ("datasetId") REFERENCES "Dataset" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_DatasetItem" ("id", "datasetId", "sessionId", "seq", "reviewId", "messages", "reply", "corrected", "rating", "scores", "addedById", "addedAt") SELECT "id", "datasetId", "sessionId", "seq", "reviewId", "messages", "reply", "corrected", "rating", "scores", "addedById", "addedAt" FROM "DatasetItem";
DROP TABLE "DatasetItem";
ALTER TABLE "new_DatasetItem" RENAME TO "DatasetItem";
CREATE UNIQUE INDEX "DatasetItem_datasetId_sessionId_seq_key" ON "DatasetItem"("datasetId", "sessionId", "seq");
CREATE INDEX "DatasetItem_datasetId_id_idx" ON "DatasetItem"("datasetId", "id");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;
