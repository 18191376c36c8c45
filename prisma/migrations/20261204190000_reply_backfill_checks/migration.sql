-- CreateTable: how far the reply backfill has read each session (ADR 225).
CREATE TABLE "ReplyBackfillCheck" (
    "sessionId" TEXT NOT NULL PRIMARY KEY,
    "checkedSeq" INTEGER NOT NULL
);
