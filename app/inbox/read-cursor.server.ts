// Per-operator read cursors (inbox feature fills this in).
/** Moves my cursor forward to `seq` (never backwards). */
export async function advanceReadCursor(_operatorId: string, _sessionId: string, _seq: number): Promise<void> {}
/** Sets my cursor to exactly `seq` (mark unread moves it back). */
export async function setReadCursor(_operatorId: string, _sessionId: string, _seq: number): Promise<void> {}
