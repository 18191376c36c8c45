-- CreateTable: how far the reply backfill has read each session (ADR 225).
CREATE TABLE "ReplyBackfillCheck" (
    "sessionId" TEXT NOT NULL,
    "checkedSeq" INTEGER NOT NULL,

    CONSTRAINT "ReplyBackfillCheck_pkey" PRIMARY KEY ("sessionId")
);
