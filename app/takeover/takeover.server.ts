// Takeovers (takeover feature fills this in).
export type TakeoverView = { id: string; holder: { id: string; name: string }; startedAt: string; expiresAt: string; reason: string | null };

export async function activeTakeover(_sessionId: string): Promise<TakeoverView | null> {
  return null;
}
