-- User ids by case-insensitive substring through an index (ADR 192): each distinct user id of the session
-- index once, and an FTS5 trigram index over them (case-insensitive by default; SQLite 3.34+).

-- CreateTable
CREATE TABLE "IndexedUser" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "userId" TEXT NOT NULL
);

-- CreateIndex
CREATE UNIQUE INDEX "IndexedUser_userId_key" ON "IndexedUser"("userId");

-- The trigram index (not modelled by Prisma: a virtual table over IndexedUser, kept in step by triggers).
CREATE VIRTUAL TABLE "UserSearch" USING fts5("userId", content='IndexedUser', content_rowid='id', tokenize='trigram');
CREATE TRIGGER "IndexedUser_search_insert" AFTER INSERT ON "IndexedUser" BEGIN
  INSERT INTO "UserSearch"(rowid, "userId") VALUES (new."id", new."userId");
END;
CREATE TRIGGER "IndexedUser_search_delete" AFTER DELETE ON "IndexedUser" BEGIN
  INSERT INTO "UserSearch"("UserSearch", rowid, "userId") VALUES ('delete', old."id", old."userId");
END;

-- Whatever writes the session index (the sync, discovery, a lookup, the bench's SQL) feeds IndexedUser: a user id
-- is added with its first session and removed with its last.
CREATE TRIGGER "SessionIndex_user_insert" AFTER INSERT ON "SessionIndex" BEGIN
  INSERT OR IGNORE INTO "IndexedUser"("userId") VALUES (new."userId");
END;
CREATE TRIGGER "SessionIndex_user_update" AFTER UPDATE OF "userId" ON "SessionIndex" WHEN old."userId" IS NOT new."userId" BEGIN
  INSERT OR IGNORE INTO "IndexedUser"("userId") VALUES (new."userId");
  DELETE FROM "IndexedUser" WHERE "userId" = old."userId" AND NOT EXISTS (SELECT 1 FROM "SessionIndex" WHERE "userId" = old."userId");
END;
CREATE TRIGGER "SessionIndex_user_delete" AFTER DELETE ON "SessionIndex" BEGIN
  DELETE FROM "IndexedUser" WHERE "userId" = old."userId" AND NOT EXISTS (SELECT 1 FROM "SessionIndex" WHERE "userId" = old."userId");
END;

-- Backfill: the sessions indexed before this migration (the insert trigger above fills UserSearch).
INSERT OR IGNORE INTO "IndexedUser"("userId") SELECT DISTINCT "userId" FROM "SessionIndex";
