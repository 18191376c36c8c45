// In-memory store used when no --data directory is given.
import type { AgentRow, CursorRow, MessageRow, NewMessage, SessionRow, SessionStatus, Store } from "./types.js";

export class MemoryStore implements Store {
  private sessions = new Map<string, SessionRow>();
  /** Insertion order, so same-microsecond ties still list newest first. */
  private sessionOrder: SessionRow[] = [];
  /** Each user's sessions (the same row objects), so a user's inbox costs its own sessions, not every session. */
  private byUser = new Map<string, SessionRow[]>();
  /** sessionOrder newest first, kept until the next session is created (the 50-newest list is polled often). */
  private newestFirst: SessionRow[] | null = null;
  private messages = new Map<string, MessageRow[]>();
  private cursors = new Map<string, CursorRow>();
  private agents = new Map<string, AgentRow>();

  createSession(row: SessionRow): void {
    const copy = { ...row };
    this.sessions.set(row.id, copy);
    this.sessionOrder.push(copy);
    const mine = this.byUser.get(row.user_id);
    if (mine) mine.push(copy);
    else this.byUser.set(row.user_id, [copy]);
    this.newestFirst = null;
  }

  getSession(id: string): SessionRow | undefined {
    const row = this.sessions.get(id);
    return row && { ...row };
  }

  listSessions(userId: string | undefined, limit: number): SessionRow[] {
    const out: SessionRow[] = [];
    const newest = (rows: SessionRow[]) => [...rows].reverse().sort((a, b) => b.inserted_at - a.inserted_at);
    const sorted = userId !== undefined ? newest(this.byUser.get(userId) ?? []) : (this.newestFirst ??= newest(this.sessionOrder));
    for (const row of sorted) {
      out.push({ ...row });
      if (out.length >= limit) break;
    }
    return out;
  }

  openSessionsForUser(userId: string): SessionRow[] {
    return (this.byUser.get(userId) ?? []).filter((s) => s.status !== "archived").map((s) => ({ ...s }));
  }

  setSessionStatus(id: string, status: SessionStatus, updatedAt: number): void {
    const row = this.sessions.get(id);
    if (row) {
      row.status = status;
      row.updated_at = updatedAt;
    }
  }

  appendMessage(message: NewMessage): MessageRow {
    let list = this.messages.get(message.session_id);
    if (!list) this.messages.set(message.session_id, (list = []));
    const row: MessageRow = { ...message, seq: list.length + 1 };
    list.push(row);
    return { ...row };
  }

  listMessages(sessionId: string, afterSeq: number, limit: number): MessageRow[] {
    const list = this.messages.get(sessionId) ?? [];
    // Seqs are gapless from 1, so seq n sits at index n - 1.
    return list.slice(afterSeq, afterSeq + limit).map((m) => ({ ...m }));
  }

  lastMessages(sessionId: string, limit: number): MessageRow[] {
    const list = this.messages.get(sessionId) ?? [];
    return list.slice(Math.max(0, list.length - limit)).map((m) => ({ ...m }));
  }

  messageCount(sessionId: string): number {
    return this.messages.get(sessionId)?.length ?? 0;
  }

  upsertCursor(cursor: CursorRow): void {
    this.cursors.set(`${cursor.session_id}\u0000${cursor.user_id}`, { ...cursor });
  }

  getCursor(sessionId: string, userId: string): CursorRow | undefined {
    return this.cursors.get(`${sessionId}\u0000${userId}`);
  }

  listAgents(): AgentRow[] {
    return [...this.agents.values()].map((a) => ({ ...a }));
  }

  getAgent(id: string): AgentRow | undefined {
    const row = this.agents.get(id);
    return row && { ...row };
  }

  insertAgent(row: AgentRow): void {
    this.agents.set(row.id, { ...row });
  }

  replaceAgent(oldId: string, row: AgentRow): void {
    this.agents.delete(oldId);
    this.agents.set(row.id, { ...row });
  }

  seed(sessions: SessionRow[], messages: MessageRow[]): void {
    for (const s of sessions) this.createSession(s);
    for (const m of messages) {
      let list = this.messages.get(m.session_id);
      if (!list) this.messages.set(m.session_id, (list = []));
      list.push({ ...m, seq: list.length + 1 });
    }
  }

  close(): void {}
}
