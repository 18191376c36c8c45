-- Unread counts the end user messages only (ADR 100), and IndexedMessage feeds that count and full-text search (ADR 101).

-- AlterTable
ALTER TABLE "Operator" ADD COLUMN "unreadBadge" BOOLEAN;

-- AlterTable
ALTER TABLE "SessionIndex" ADD COLUMN "userCount" INTEGER NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "ReadCursor" ADD COLUMN "userCountAtCursor" INTEGER NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "IndexedMessage" (
    "id" SERIAL NOT NULL,
    "sessionId" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "role" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "IndexedMessage_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "IndexedMessage_sessionId_seq_key" ON "IndexedMessage"("sessionId", "seq");

-- CreateIndex
CREATE INDEX "IndexedMessage_sessionId_role_seq_idx" ON "IndexedMessage"("sessionId", "role", "seq");

-- Rows indexed before this migration have no per-message record: their non-operator messages are taken as the
-- user, which keeps every existing unread figure as it was (the old rule) until the cursor next moves.
UPDATE "SessionIndex" SET "userCount" = "headSeq" - "opCount";
UPDATE "ReadCursor" SET "userCountAtCursor" = "lastSeq" - "opCountAtCursor";

-- Full-text search over message bodies: an expression GIN index (not modelled by Prisma). The simple
-- configuration lower-cases words without stemming, as SQLites unicode61 tokenizer does.
CREATE INDEX "IndexedMessage_body_search_idx" ON "IndexedMessage" USING GIN (to_tsvector('simple', "body"));
