-- Conversation states the Console owns, saved views and admin inbox settings (ADR 102).

-- AlterTable
ALTER TABLE "SessionIndex" ADD COLUMN     "handoffReason" TEXT,
ADD COLUMN     "snoozedUntil" TIMESTAMP(3),
ADD COLUMN     "state" TEXT NOT NULL DEFAULT 'pending',
ADD COLUMN     "stateChangedAt" TIMESTAMP(3),
ADD COLUMN     "waitingSince" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "SavedView" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "search" TEXT NOT NULL,
    "ownerId" TEXT,
    "createdBy" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SavedView_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "InboxSetting" (
    "key" TEXT NOT NULL,
    "value" TEXT NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "InboxSetting_pkey" PRIMARY KEY ("key")
);

-- CreateIndex
CREATE INDEX "SessionIndex_state_waitingSince_idx" ON "SessionIndex"("state", "waitingSince");

-- CreateIndex
CREATE INDEX "SessionIndex_state_lastActivityAt_idx" ON "SessionIndex"("state", "lastActivityAt");

-- CreateIndex
CREATE INDEX "SavedView_ownerId_idx" ON "SavedView"("ownerId");
