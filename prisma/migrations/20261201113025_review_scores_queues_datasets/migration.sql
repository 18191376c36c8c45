-- CreateTable
CREATE TABLE "ScoreConfig" (
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
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "ReviewScore" (
    "reviewId" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "configId" TEXT NOT NULL,
    "value" TEXT NOT NULL,

    PRIMARY KEY ("reviewId", "key"),
    CONSTRAINT "ReviewScore_reviewId_fkey" FOREIGN KEY ("reviewId") REFERENCES "Review" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "ReviewScore_configId_fkey" FOREIGN KEY ("configId") REFERENCES "ScoreConfig" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ReviewQueue" (
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
    "archivedAt" DATETIME
);

-- CreateTable
CREATE TABLE "QueueItem" (
    "queueId" TEXT NOT NULL,
    "sessionId" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "rank" TEXT NOT NULL,
    "reviewsDone" INTEGER NOT NULL DEFAULT 0,
    "reservedById" TEXT,
    "reservedUntil" DATETIME,

    PRIMARY KEY ("queueId", "sessionId", "seq"),
    CONSTRAINT "QueueItem_queueId_fkey" FOREIGN KEY ("queueId") REFERENCES "ReviewQueue" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "QueueReview" (
    "queueId" TEXT NOT NULL,
    "sessionId" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "reviewerId" TEXT NOT NULL,
    "reviewId" TEXT NOT NULL,
    "at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,

    PRIMARY KEY ("queueId", "sessionId", "seq", "reviewerId"),
    CONSTRAINT "QueueReview_queueId_sessionId_seq_fkey" FOREIGN KEY ("queueId", "sessionId", "seq") REFERENCES "QueueItem" ("queueId", "sessionId", "seq") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Adjudication" (
    "queueId" TEXT NOT NULL,
    "sessionId" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "key" TEXT NOT NULL,
    "value" TEXT NOT NULL,
    "adminId" TEXT NOT NULL,
    "note" TEXT NOT NULL DEFAULT '',
    "at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,

    PRIMARY KEY ("queueId", "sessionId", "seq", "key")
);

-- CreateTable
CREATE TABLE "ReplySnapshot" (
    "sessionId" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "text" TEXT NOT NULL,
    "at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,

    PRIMARY KEY ("sessionId", "seq")
);

-- CreateTable
CREATE TABLE "Dataset" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "createdById" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "DatasetItem" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "datasetId" TEXT NOT NULL,
    "sessionId" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "reviewId" TEXT,
    "messages" TEXT NOT NULL,
    "reply" TEXT NOT NULL,
    "corrected" TEXT,
    "rating" TEXT,
    "scores" TEXT NOT NULL DEFAULT '{}',
    "addedById" TEXT NOT NULL,
    "addedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "DatasetItem_datasetId_fkey" FOREIGN KEY ("datasetId") REFERENCES "Dataset" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Review" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "sessionId" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "agentId" TEXT NOT NULL,
    "reviewerId" TEXT NOT NULL,
    "rating" TEXT NOT NULL,
    "labels" TEXT NOT NULL DEFAULT '',
    "comment" TEXT NOT NULL DEFAULT '',
    "textSnapshot" TEXT NOT NULL,
    "snapshotSource" TEXT NOT NULL DEFAULT 'fleetlm',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Review_reviewerId_fkey" FOREIGN KEY ("reviewerId") REFERENCES "Operator" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);
INSERT INTO "new_Review" ("agentId", "comment", "createdAt", "id", "labels", "rating", "reviewerId", "seq", "sessionId", "textSnapshot", "updatedAt") SELECT "agentId", "comment", "createdAt", "id", "labels", "rating", "reviewerId", "seq", "sessionId", "textSnapshot", "updatedAt" FROM "Review";
DROP TABLE "Review";
ALTER TABLE "new_Review" RENAME TO "Review";
CREATE INDEX "Review_agentId_createdAt_idx" ON "Review"("agentId", "createdAt");
CREATE INDEX "Review_createdAt_idx" ON "Review"("createdAt");
CREATE UNIQUE INDEX "Review_sessionId_seq_reviewerId_key" ON "Review"("sessionId", "seq", "reviewerId");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE UNIQUE INDEX "ScoreConfig_key_version_key" ON "ScoreConfig"("key", "version");

-- CreateIndex
CREATE INDEX "ReviewScore_configId_idx" ON "ReviewScore"("configId");

-- CreateIndex
CREATE UNIQUE INDEX "ReviewQueue_name_key" ON "ReviewQueue"("name");

-- CreateIndex
CREATE INDEX "QueueItem_queueId_reviewsDone_rank_idx" ON "QueueItem"("queueId", "reviewsDone", "rank");

-- CreateIndex
CREATE INDEX "QueueItem_queueId_reservedById_idx" ON "QueueItem"("queueId", "reservedById");

-- CreateIndex
CREATE INDEX "QueueReview_queueId_reviewerId_idx" ON "QueueReview"("queueId", "reviewerId");

-- CreateIndex
CREATE UNIQUE INDEX "Dataset_name_key" ON "Dataset"("name");

-- CreateIndex
CREATE UNIQUE INDEX "DatasetItem_datasetId_sessionId_seq_key" ON "DatasetItem"("datasetId", "sessionId", "seq");

