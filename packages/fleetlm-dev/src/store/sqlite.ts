// SQLite store for --data DIR: every append commits before it is acknowledged, so kill -9 loses nothing.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import type { AgentRow, CursorRow, MessageRow, NewMessage, SessionRow, SessionStatus, Store } from "./types.js";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS sessions (
  ord INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  user_id TEXT NOT NULL,
  agent_id TEXT NOT NULL,
  status TEXT NOT NULL,
  metadata TEXT NOT NULL,
  inserted_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS sessions_user ON sessions (user_id, inserted_at);
CREATE INDEX IF NOT EXISTS sessions_inserted ON sessions (inserted_at);
CREATE TABLE IF NOT EXISTS messages (
  session_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  id TEXT NOT NULL,
  sender_id TEXT NOT NULL,
  recipient_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  content TEXT NOT NULL,
  metadata TEXT NOT NULL,
  inserted_at INTEGER NOT NULL,
  PRIMARY KEY (session_id, seq)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS cursors (
  session_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  last_seq INTEGER NOT NULL,
  PRIMARY KEY (session_id, user_id)
);
CREATE TABLE IF NOT EXISTS agents (
  id TEXT PRIMARY KEY,
  body TEXT NOT NULL
);
`;

interface SessionDb {
  id: string;
  user_id: string;
  agent_id: string;
  status: string;
  metadata: string;
  inserted_at: number;
  updated_at: number;
}

interface MessageDb {
  session_id: string;
  seq: number;
  id: string;
  sender_id: string;
  recipient_id: string;
  kind: string;
  content: string;
  metadata: string;
  inserted_at: number;
}

const toSession = (r: SessionDb): SessionRow => ({
  id: r.id,
  user_id: r.user_id,
  agent_id: r.agent_id,
  status: r.status as SessionStatus,
  metadata: JSON.parse(r.metadata),
  inserted_at: r.inserted_at,
  updated_at: r.updated_at,
});

const toMessage = (r: MessageDb): MessageRow => ({
  ...r,
  content: JSON.parse(r.content),
  metadata: JSON.parse(r.metadata),
});

export class SqliteStore implements Store {
  private db: Database.Database;
  private stmts;
  private insertMessageTx: (m: MessageRow) => void;

  constructor(dir: string) {
    mkdirSync(dir, { recursive: true });
    this.db = new Database(join(dir, "fleetlm-dev.sqlite"));
    this.db.pragma("journal_mode = WAL");
    // NORMAL keeps every committed transaction across a process kill; only an OS crash could lose the tail.
    this.db.pragma("synchronous = NORMAL");
    this.db.pragma("busy_timeout = 5000");
    this.db.exec(SCHEMA);
    const db = this.db;
    this.stmts = {
      insertSession: db.prepare(
        "INSERT INTO sessions (id, user_id, agent_id, status, metadata, inserted_at, updated_at) VALUES (@id, @user_id, @agent_id, @status, @metadata, @inserted_at, @updated_at)",
      ),
      getSession: db.prepare("SELECT * FROM sessions WHERE id = ?"),
      listAll: db.prepare("SELECT * FROM sessions ORDER BY inserted_at DESC, ord DESC LIMIT ?"),
      listUser: db.prepare("SELECT * FROM sessions WHERE user_id = ? ORDER BY inserted_at DESC, ord DESC LIMIT ?"),
      openForUser: db.prepare("SELECT * FROM sessions WHERE user_id = ? AND status != 'archived' ORDER BY ord"),
      setStatus: db.prepare("UPDATE sessions SET status = ?, updated_at = ? WHERE id = ?"),
      maxSeq: db.prepare("SELECT COALESCE(MAX(seq), 0) AS n FROM messages WHERE session_id = ?"),
      insertMessage: db.prepare(
        "INSERT INTO messages (session_id, seq, id, sender_id, recipient_id, kind, content, metadata, inserted_at) VALUES (@session_id, @seq, @id, @sender_id, @recipient_id, @kind, @content, @metadata, @inserted_at)",
      ),
      listMessages: db.prepare("SELECT * FROM messages WHERE session_id = ? AND seq > ? ORDER BY seq LIMIT ?"),
      lastMessages: db.prepare("SELECT * FROM (SELECT * FROM messages WHERE session_id = ? ORDER BY seq DESC LIMIT ?) ORDER BY seq"),
      upsertCursor: db.prepare(
        "INSERT INTO cursors (session_id, user_id, last_seq) VALUES (?, ?, ?) ON CONFLICT (session_id, user_id) DO UPDATE SET last_seq = excluded.last_seq",
      ),
      getCursor: db.prepare("SELECT * FROM cursors WHERE session_id = ? AND user_id = ?"),
      listAgents: db.prepare("SELECT body FROM agents"),
      getAgent: db.prepare("SELECT body FROM agents WHERE id = ?"),
      insertAgent: db.prepare("INSERT INTO agents (id, body) VALUES (?, ?)"),
      deleteAgent: db.prepare("DELETE FROM agents WHERE id = ?"),
    };
    this.insertMessageTx = (m) => {
      this.stmts.insertMessage.run({ ...m, content: JSON.stringify(m.content), metadata: JSON.stringify(m.metadata) });
    };
  }

  createSession(row: SessionRow): void {
    this.stmts.insertSession.run({ ...row, metadata: JSON.stringify(row.metadata) });
  }

  getSession(id: string): SessionRow | undefined {
    const r = this.stmts.getSession.get(id) as SessionDb | undefined;
    return r && toSession(r);
  }

  listSessions(userId: string | undefined, limit: number): SessionRow[] {
    const rows = (userId === undefined ? this.stmts.listAll.all(limit) : this.stmts.listUser.all(userId, limit)) as SessionDb[];
    return rows.map(toSession);
  }

  openSessionsForUser(userId: string): SessionRow[] {
    return (this.stmts.openForUser.all(userId) as SessionDb[]).map(toSession);
  }

  setSessionStatus(id: string, status: SessionStatus, updatedAt: number): void {
    this.stmts.setStatus.run(status, updatedAt, id);
  }

  appendMessage(message: NewMessage): MessageRow {
    // Single-threaded and synchronous: MAX(seq)+1 cannot race, and the recovery after a restart is the same query.
    const { n } = this.stmts.maxSeq.get(message.session_id) as { n: number };
    const row: MessageRow = { ...message, seq: n + 1 };
    this.insertMessageTx(row);
    return row;
  }

  listMessages(sessionId: string, afterSeq: number, limit: number): MessageRow[] {
    return (this.stmts.listMessages.all(sessionId, afterSeq, limit) as MessageDb[]).map(toMessage);
  }

  lastMessages(sessionId: string, limit: number): MessageRow[] {
    return (this.stmts.lastMessages.all(sessionId, limit) as MessageDb[]).map(toMessage);
  }

  messageCount(sessionId: string): number {
    return (this.stmts.maxSeq.get(sessionId) as { n: number }).n;
  }

  upsertCursor(cursor: CursorRow): void {
    this.stmts.upsertCursor.run(cursor.session_id, cursor.user_id, cursor.last_seq);
  }

  getCursor(sessionId: string, userId: string): CursorRow | undefined {
    return this.stmts.getCursor.get(sessionId, userId) as CursorRow | undefined;
  }

  listAgents(): AgentRow[] {
    return (this.stmts.listAgents.all() as Array<{ body: string }>).map((r) => JSON.parse(r.body));
  }

  getAgent(id: string): AgentRow | undefined {
    const r = this.stmts.getAgent.get(id) as { body: string } | undefined;
    return r && JSON.parse(r.body);
  }

  insertAgent(row: AgentRow): void {
    this.stmts.insertAgent.run(row.id, JSON.stringify(row));
  }

  replaceAgent(oldId: string, row: AgentRow): void {
    this.db.transaction(() => {
      this.stmts.deleteAgent.run(oldId);
      this.stmts.insertAgent.run(row.id, JSON.stringify(row));
    })();
  }

  seed(sessions: SessionRow[], messages: MessageRow[]): void {
    this.db.transaction(() => {
      for (const s of sessions) this.createSession(s);
      for (const m of messages) this.insertMessageTx(m);
    })();
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
