// Watching one session live (session view feature fills this in).
/** Subscribes the gateway to session:{id} for this viewer; publishes message/chunk/presence events on the live bus. */
export function watchSession(_sessionId: string, _viewer: { id: string; name: string }): () => void {
  return () => {};
}
