-- Prefix indexes for the message text (ADR 193): every search term is a prefix ("refund"*), and FTS5 answers a
-- prefix term without a prefix index of that length by merging the doclists of every term it matches up front
-- ("order"* at 1,000,000 messages: ~65 ms, before any other term narrows it). With prefix indexes for 2 to 8
-- characters such a term is one doclist, read lazily like a whole word. Same table, same triggers (they name it);
-- the index is rebuilt from IndexedMessage.
DROP TABLE "MessageSearch";
CREATE VIRTUAL TABLE "MessageSearch" USING fts5("body", content='IndexedMessage', content_rowid='id', tokenize='unicode61 remove_diacritics 2', prefix='2 3 4 5 6 7 8');
INSERT INTO "MessageSearch"("MessageSearch") VALUES ('rebuild');
