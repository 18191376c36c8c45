import { describe, expect, it, vi } from "vitest";
import { OrderedDelivery, type Message } from "@fleetlm/client";

function msg(seq: number, text = `m${seq}`): Message {
  return {
    id: `id-${seq}`,
    session_id: "s",
    seq,
    sender_id: "alice",
    kind: "text",
    content: { text },
    metadata: {},
    inserted_at: "2025-10-23T10:48:00",
    insertedAt: new Date(0),
  };
}

/** A fake REST store holding the given seqs. */
function store(seqs: number[]) {
  const calls: Array<{ afterSeq: number; limit: number }> = [];
  const stored = [...seqs].sort((a, b) => a - b).map((seq) => msg(seq));
  const fetchAfter = async (afterSeq: number, limit: number) => {
    calls.push({ afterSeq, limit });
    return stored.filter((m) => m.seq > afterSeq).slice(0, limit);
  };
  return { calls, fetchAfter, stored };
}

function setup(seqs: number[], extra: Partial<ConstructorParameters<typeof OrderedDelivery>[0]> = {}) {
  const fake = store(seqs);
  const delivered: number[] = [];
  const errors: unknown[] = [];
  const skips: Array<{ from: number; to: number }> = [];
  const delivery = new OrderedDelivery({
    fetchAfter: fake.fetchAfter,
    deliver: (m) => delivered.push(m.seq),
    onError: (e) => errors.push(e),
    onSkip: (r) => skips.push(r),
    gapRetryDelaysMs: [0, 0],
    ...extra,
  });
  return { delivery, delivered, errors, skips, fake };
}

describe("OrderedDelivery", () => {
  it("delivers each seq once, dropping duplicate broadcasts", async () => {
    const { delivery, delivered, fake } = setup([1, 2, 3]);
    await delivery.push([msg(1)]);
    await delivery.push([msg(1)]);
    await delivery.push([msg(2), msg(2), msg(1)]);
    await delivery.push([msg(3)]);
    expect(delivered).toEqual([1, 2, 3]);
    expect(delivery.lastSeq).toBe(3);
    expect(fake.calls).toEqual([]); // no gap, no REST
  });

  it("fills a gap from REST before releasing a later seq", async () => {
    const { delivery, delivered, fake } = setup([1, 2, 3, 4, 5]);
    await delivery.push([msg(1)]);
    await delivery.push([msg(5)]);
    expect(delivered).toEqual([1, 2, 3, 4, 5]);
    expect(fake.calls[0]).toEqual({ afterSeq: 1, limit: 100 });
  });

  it("orders out-of-order live events", async () => {
    const { delivery, delivered } = setup([1, 2, 3]);
    await Promise.all([delivery.push([msg(3)]), delivery.push([msg(2)]), delivery.push([msg(1)])]);
    expect(delivered).toEqual([1, 2, 3]);
  });

  it("starts after startSeq", async () => {
    const { delivery, delivered } = setup([1, 2, 3, 4], { startSeq: 2 });
    await delivery.push([msg(1), msg(2), msg(3), msg(4)]);
    expect(delivered).toEqual([3, 4]);
  });

  it("pages through REST to the end on catch-up", async () => {
    const seqs = Array.from({ length: 250 }, (_, i) => i + 1);
    const { delivery, delivered, fake } = setup(seqs);
    await delivery.push(fake.stored.slice(0, 100));
    await delivery.catchUp();
    expect(delivered).toEqual(seqs);
    expect(fake.calls.map((c) => c.afterSeq)).toEqual([100, 200]);
  });

  it("moves past seqs that storage really lacks, after re-reading, and reports them", async () => {
    const { delivery, delivered, skips, fake } = setup([1, 2, 4, 5]);
    await delivery.push([msg(1), msg(2)]);
    await delivery.push([msg(5)]);
    expect(delivered).toEqual([1, 2, 4, 5]);
    expect(skips).toEqual([{ from: 3, to: 3 }]);
    expect(fake.calls.length).toBe(3); // first read + two retries before giving up on seq 3
  });

  it("keeps later seqs buffered while REST fails, then delivers them in order", async () => {
    let failing = true;
    const fake = store([1, 2, 3]);
    const delivered: number[] = [];
    const errors: unknown[] = [];
    const delivery = new OrderedDelivery({
      fetchAfter: async (a, l) => {
        if (failing) throw new Error("REST down");
        return fake.fetchAfter(a, l);
      },
      deliver: (m) => delivered.push(m.seq),
      onError: (e) => errors.push(e),
    });
    await delivery.push([msg(1)]);
    await delivery.push([msg(3)]);
    expect(delivered).toEqual([1]);
    expect(delivery.bufferedCount).toBe(1);
    expect(errors).toHaveLength(1);
    failing = false;
    await vi.waitFor(() => expect(delivered).toEqual([1, 2, 3]), { timeout: 5000 });
    delivery.stop();
  });
});
