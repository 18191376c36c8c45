-- Conversation states the Console owns, saved views and admin inbox settings (ADR 102).

-- AlterTable
ALTER TABLE "SessionIndex" ADD COLUMN "state" TEXT NOT NULL DEFAULT 'pending';
ALTER TABLE "SessionIndex" ADD COLUMN "snoozedUntil" DATETIME;
ALTER TABLE "SessionIndex" ADD COLUMN "waitingSince" DATETIME;
ALTER TABLE "SessionIndex" ADD COLUMN "handoffReason" TEXT;
ALTER TABLE "SessionIndex" ADD COLUMN "stateChangedAt" DATETIME;

-- CreateTable
CREATE TABLE "SavedView" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "search" TEXT NOT NULL,
    "ownerId" TEXT,
    "createdBy" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "InboxSetting" (
    "key" TEXT NOT NULL PRIMARY KEY,
    "value" TEXT NOT NULL,
    "updatedAt" DATETIME NOT NULL
);

-- CreateIndex
CREATE INDEX "SessionIndex_state_waitingSince_idx" ON "SessionIndex"("state", "waitingSince");

-- CreateIndex
CREATE INDEX "SessionIndex_state_lastActivityAt_idx" ON "SessionIndex"("state", "lastActivityAt");

-- CreateIndex
CREATE INDEX "SavedView_ownerId_idx" ON "SavedView"("ownerId");
