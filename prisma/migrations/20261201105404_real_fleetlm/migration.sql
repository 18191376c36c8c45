-- AlterTable
ALTER TABLE "ReplyIndex" ADD COLUMN "consoleLatencyMs" INTEGER;
ALTER TABLE "ReplyIndex" ADD COLUMN "streamMs" INTEGER;
ALTER TABLE "ReplyIndex" ADD COLUMN "ttftMs" INTEGER;

-- CreateTable
CREATE TABLE "LostSeq" (
    "sessionId" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "agentId" TEXT NOT NULL,
    "detectedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,

    PRIMARY KEY ("sessionId", "seq")
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_SessionIndex" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "userId" TEXT NOT NULL,
    "agentId" TEXT NOT NULL,
    "status" TEXT NOT NULL,
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
    "updatedAt" DATETIME NOT NULL
);
INSERT INTO "new_SessionIndex" ("agentId", "assigneeId", "createdAt", "handoffReason", "headSeq", "id", "indexedAt", "lastActivityAt", "lastPreview", "lastSenderId", "lastSenderRole", "opCount", "snoozedUntil", "state", "stateChangedAt", "status", "updatedAt", "userCount", "userId", "waitingSince") SELECT "agentId", "assigneeId", "createdAt", "handoffReason", "headSeq", "id", "indexedAt", "lastActivityAt", "lastPreview", "lastSenderId", "lastSenderRole", "opCount", "snoozedUntil", "state", "stateChangedAt", "status", "updatedAt", "userCount", "userId", "waitingSince" FROM "SessionIndex";
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
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "LostSeq_agentId_detectedAt_idx" ON "LostSeq"("agentId", "detectedAt");

