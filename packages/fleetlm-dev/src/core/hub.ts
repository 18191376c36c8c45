// In-process PubSub: channel processes subscribe to topics, the append path broadcasts to them.

export type HubListener = (event: string, payload: unknown) => void;

export class Hub {
  private topics = new Map<string, Set<HubListener>>();

  subscribe(topic: string, listener: HubListener): () => void {
    let set = this.topics.get(topic);
    if (!set) this.topics.set(topic, (set = new Set()));
    set.add(listener);
    return () => {
      const current = this.topics.get(topic);
      if (!current) return;
      current.delete(listener);
      if (current.size === 0) this.topics.delete(topic);
    };
  }

  broadcast(topic: string, event: string, payload: unknown): void {
    const set = this.topics.get(topic);
    if (!set) return;
    for (const listener of [...set]) listener(event, payload);
  }

  subscriberCount(topic: string): number {
    return this.topics.get(topic)?.size ?? 0;
  }
}
