-- AlterTable
ALTER TABLE "ReplyIndex" ADD COLUMN     "consoleLatencyMs" INTEGER,
ADD COLUMN     "streamMs" INTEGER,
ADD COLUMN     "ttftMs" INTEGER;

-- AlterTable
ALTER TABLE "SessionIndex" ADD COLUMN     "lostCount" INTEGER NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "LostSeq" (
    "sessionId" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "agentId" TEXT NOT NULL,
    "detectedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "LostSeq_pkey" PRIMARY KEY ("sessionId","seq")
);

-- CreateIndex
CREATE INDEX "LostSeq_agentId_detectedAt_idx" ON "LostSeq"("agentId", "detectedAt");

-- CreateIndex
CREATE INDEX "SessionIndex_lostCount_lastActivityAt_idx" ON "SessionIndex"("lostCount", "lastActivityAt");
