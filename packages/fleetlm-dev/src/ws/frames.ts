// Phoenix serializer frames: vsn 2.0.0 arrays `[join_ref, ref, topic, event, payload]`, vsn 1.0.0 objects.

export type Ref = string | null;

export interface Frame {
  joinRef: Ref;
  ref: Ref;
  topic: string;
  event: string;
  payload: unknown;
}

export type Vsn = "1" | "2";

/** Returns null for anything that is not a well-formed frame. */
export function decodeFrame(text: string, vsn: Vsn): Frame | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (vsn === "2") {
    if (!Array.isArray(value) || value.length !== 5) return null;
    const [joinRef, ref, topic, event, payload] = value;
    if (typeof topic !== "string" || typeof event !== "string") return null;
    if (!isRef(joinRef) || !isRef(ref)) return null;
    return { joinRef: refText(joinRef), ref: refText(ref), topic, event, payload };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return null;
  const o = value as Record<string, unknown>;
  if (typeof o.topic !== "string" || typeof o.event !== "string") return null;
  const joinRef = o.join_ref ?? null;
  const ref = o.ref ?? null;
  if (!isRef(joinRef) || !isRef(ref)) return null;
  return { joinRef: refText(joinRef), ref: refText(ref), topic: o.topic, event: o.event, payload: o.payload ?? {} };
}

const isRef = (v: unknown) => v === null || typeof v === "string" || (typeof v === "number" && Number.isFinite(v));
const refText = (v: unknown): Ref => (v === null ? null : String(v));

export function encodeFrame(frame: Frame, vsn: Vsn): string {
  if (vsn === "2") return JSON.stringify([frame.joinRef, frame.ref, frame.topic, frame.event, frame.payload]);
  // 1.0.0 output carries no join_ref.
  return JSON.stringify({ topic: frame.topic, event: frame.event, payload: frame.payload, ref: frame.ref });
}
