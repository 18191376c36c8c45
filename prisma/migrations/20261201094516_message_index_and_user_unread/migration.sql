-- Unread counts the end user messages only (ADR 100), and IndexedMessage feeds that count and full-text search (ADR 101).

-- AlterTable
ALTER TABLE "Operator" ADD COLUMN "unreadBadge" BOOLEAN;

-- AlterTable
ALTER TABLE "SessionIndex" ADD COLUMN "userCount" INTEGER NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "ReadCursor" ADD COLUMN "userCountAtCursor" INTEGER NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "IndexedMessage" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "sessionId" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "role" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "at" DATETIME NOT NULL
);

-- CreateIndex
CREATE UNIQUE INDEX "IndexedMessage_sessionId_seq_key" ON "IndexedMessage"("sessionId", "seq");

-- CreateIndex
CREATE INDEX "IndexedMessage_sessionId_role_seq_idx" ON "IndexedMessage"("sessionId", "role", "seq");

-- Rows indexed before this migration have no per-message record: their non-operator messages are taken as the
-- user, which keeps every existing unread figure as it was (the old rule) until the cursor next moves.
UPDATE "SessionIndex" SET "userCount" = "headSeq" - "opCount";
UPDATE "ReadCursor" SET "userCountAtCursor" = "lastSeq" - "opCountAtCursor";

-- Full-text search over message bodies (not modelled by Prisma: a virtual table kept in step by triggers).
CREATE VIRTUAL TABLE "MessageSearch" USING fts5("body", content='IndexedMessage', content_rowid='id', tokenize='unicode61 remove_diacritics 2');
CREATE TRIGGER "IndexedMessage_search_insert" AFTER INSERT ON "IndexedMessage" BEGIN
  INSERT INTO "MessageSearch"(rowid, "body") VALUES (new."id", new."body");
END;
CREATE TRIGGER "IndexedMessage_search_delete" AFTER DELETE ON "IndexedMessage" BEGIN
  INSERT INTO "MessageSearch"("MessageSearch", rowid, "body") VALUES ('delete', old."id", old."body");
END;
CREATE TRIGGER "IndexedMessage_search_update" AFTER UPDATE OF "body" ON "IndexedMessage" BEGIN
  INSERT INTO "MessageSearch"("MessageSearch", rowid, "body") VALUES ('delete', old."id", old."body");
  INSERT INTO "MessageSearch"(rowid, "body") VALUES (new."id", new."body");
END;
