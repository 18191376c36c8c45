// Builds one assistant message from AI SDK UI-message chunks exactly as FleetLM's webhook assembler does (§8.5).
// Zero imports on purpose: the dev server and the client both use it.

export type UIChunk = { type?: unknown; [key: string]: unknown };
export type AssistantPart = { type: string; [key: string]: unknown };
export interface AssistantContent {
  id: string;
  role: "assistant";
  parts: AssistantPart[];
}
/** metadata holds the merged messageMetadata plus `termination` and `_finish_chunk`. */
export interface CompletedMessage {
  content: AssistantContent;
  metadata: Record<string, unknown>;
}

/**
 * FleetLM refuses the stream at this chunk: the webhook call fails and nothing of the unfinished message is
 * stored (the chunk itself was already broadcast). A live view should say "not stored by FleetLM".
 */
export class StreamRefusedError extends Error {
  constructor(
    readonly reason: string,
    readonly chunk: unknown,
    message = reason,
  ) {
    super(message);
    this.name = "StreamRefusedError";
  }
}

/** A line without a string `type` (client.ex ingest_chunk → `:missing_type`). */
export class MissingTypeError extends StreamRefusedError {
  constructor(chunk: unknown) {
    super("missing_type", chunk);
    this.name = "MissingTypeError";
  }
}

/** A chunk that makes assembler.ex raise (rescued into `{:error, ...}`): a non-string delta, non-map messageMetadata. */
export class AssemblerError extends StreamRefusedError {
  constructor(chunk: unknown, detail: string) {
    super("assembler_error", chunk, detail);
    this.name = "AssemblerError";
  }
}

type Obj = Record<string, unknown>;

const isObject = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

function fallbackId(): string {
  const c = (globalThis as { crypto?: { randomUUID?: () => string } }).crypto;
  return c?.randomUUID ? c.randomUUID() : `msg-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

/** Merges `source` into `part`, leaving out `skip`; a null value removes the key. */
function mergeInto(part: Obj, source: Obj, skip: readonly string[]): void {
  for (const [key, value] of Object.entries(source)) {
    if (skip.includes(key)) continue;
    if (value === null) delete part[key];
    else part[key] = value;
  }
}

function without(source: Obj, skip: readonly string[]): Obj {
  const out: Obj = {};
  for (const [key, value] of Object.entries(source)) if (!skip.includes(key)) out[key] = value;
  return out;
}

export class MessageAssembler {
  private readonly newId: () => string;
  private messageId: string | null = null;
  private metadata: Obj = {};
  private parts: AssistantPart[] = [];
  private openText = new Map<string, AssistantPart>();
  private openReasoning = new Map<string, AssistantPart>();
  private tools = new Map<string, AssistantPart>();
  private toolInputText = new Map<string, string>();
  private applied = false;

  constructor(options: { newId?: () => string } = {}) {
    this.newId = options.newId ?? fallbackId;
  }

  get active(): boolean {
    return this.applied;
  }

  reset(): void {
    this.messageId = null;
    this.metadata = {};
    this.parts = [];
    this.openText.clear();
    this.openReasoning.clear();
    this.tools.clear();
    this.toolInputText.clear();
    this.applied = false;
  }

  current(): AssistantContent {
    return { id: this.messageId ?? "", role: "assistant", parts: this.parts.map((p) => ({ ...p })) };
  }

  apply(chunk: UIChunk): CompletedMessage | null {
    if (!isObject(chunk) || typeof chunk.type !== "string") throw new MissingTypeError(chunk);
    this.applied = true;
    const type = chunk.type;
    switch (type) {
      case "start":
        this.mergeMetadata(chunk);
        if (typeof chunk.messageId === "string") this.messageId = chunk.messageId;
        return null;
      case "message-metadata":
        this.mergeMetadata(chunk);
        return null;
      case "start-step":
        this.parts.push({ type: "step-start" });
        return null;
      case "text-start":
      case "reasoning-start":
        this.streamStart(type === "text-start" ? "text" : "reasoning", chunk);
        return null;
      case "text-delta":
      case "reasoning-delta":
        this.streamDelta(type === "text-delta" ? "text" : "reasoning", chunk);
        return null;
      case "text-end":
      case "reasoning-end":
        this.streamEnd(type === "text-end" ? "text" : "reasoning", chunk);
        return null;
      case "tool-input-start": {
        const part = this.toolPart(chunk, true);
        if (part) {
          mergeInto(part, chunk, ["type", "dynamic", "inputTextDelta"]);
          part.state = "input-streaming";
        }
        return null;
      }
      case "tool-input-delta": {
        const id = chunk.toolCallId;
        const part = typeof id === "string" ? this.tools.get(id) : undefined;
        if (part && typeof id === "string") {
          const text = (this.toolInputText.get(id) ?? "") + (typeof chunk.inputTextDelta === "string" ? chunk.inputTextDelta : "");
          this.toolInputText.set(id, text);
          try {
            part.input = JSON.parse(text);
          } catch {
            // not complete JSON yet
          }
          part.state = "input-streaming";
        }
        return null;
      }
      case "tool-input-available":
        this.toolUpdate(chunk, "input-available");
        return null;
      case "tool-input-error":
      case "tool-output-error":
        this.toolUpdate(chunk, "output-error");
        return null;
      case "tool-output-available":
        this.toolUpdate(chunk, "output-available");
        return null;
      case "tool-approval-request": {
        const part = this.toolPart(chunk, true);
        if (part) {
          part.state = "approval-requested";
          part.approval = { id: chunk.approvalId };
        }
        return null;
      }
      case "tool-output-denied": {
        const part = this.toolPart(chunk, true);
        if (part) {
          part.state = "output-denied";
          if (!isObject(part.approval)) part.approval = { id: chunk.toolCallId };
        }
        return null;
      }
      case "file":
      case "source-url":
      case "source-document":
        this.parts.push(without(chunk, ["transient"]) as AssistantPart);
        return null;
      case "finish":
      case "abort":
        return this.complete(type, chunk);
      default:
        if (type.startsWith("data-")) this.dataPart(chunk as AssistantPart);
        // error, finish-step and unknown types are forwarded only
        return null;
    }
  }

  /** merge_metadata: nil is ignored, a map is merged, anything else has no clause and fails the call. */
  private mergeMetadata(chunk: Obj): void {
    const value = chunk.messageMetadata;
    if (value === undefined || value === null) return;
    if (!isObject(value)) throw new AssemblerError(chunk, "messageMetadata must be an object");
    Object.assign(this.metadata, value);
  }

  private openMap(kind: "text" | "reasoning") {
    return kind === "text" ? this.openText : this.openReasoning;
  }

  private openPart(kind: "text" | "reasoning", id: string, chunk: Obj): AssistantPart {
    const part: AssistantPart = { type: kind, text: "", state: "streaming" };
    mergeInto(part, chunk, ["type", "id", "delta"]);
    part.state = "streaming";
    if (typeof part.text !== "string") part.text = "";
    this.parts.push(part);
    this.openMap(kind).set(id, part);
    return part;
  }

  private streamStart(kind: "text" | "reasoning", chunk: Obj): void {
    if (typeof chunk.id !== "string") return;
    this.openPart(kind, chunk.id, without(chunk, ["text"]));
  }

  private streamDelta(kind: "text" | "reasoning", chunk: Obj): void {
    if (typeof chunk.id !== "string") return;
    // append_delta: `text <> Map.get(chunk, "delta", "")` raises for anything but a string (null included).
    const delta = "delta" in chunk ? chunk.delta : "";
    if (typeof delta !== "string") throw new AssemblerError(chunk, "delta must be a string");
    const part = this.openMap(kind).get(chunk.id) ?? this.openPart(kind, chunk.id, {});
    part.text = String(part.text ?? "") + delta;
    if ("providerMetadata" in chunk) mergeInto(part, { providerMetadata: chunk.providerMetadata }, []);
    part.state = "streaming";
  }

  private streamEnd(kind: "text" | "reasoning", chunk: Obj): void {
    if (typeof chunk.id !== "string") return;
    const map = this.openMap(kind);
    let part = map.get(chunk.id);
    if (!part) {
      part = { type: kind, text: "", state: "done" };
      this.parts.push(part);
    }
    if ("providerMetadata" in chunk) mergeInto(part, { providerMetadata: chunk.providerMetadata }, []);
    part.state = "done";
    map.delete(chunk.id);
  }

  /** Finds the tool part for the chunk's toolCallId, creating it when `create` and the id is a string. */
  private toolPart(chunk: Obj, create: boolean): AssistantPart | undefined {
    const id = chunk.toolCallId;
    if (typeof id !== "string") return undefined;
    let part = this.tools.get(id);
    if (!part && create) {
      const type = chunk.dynamic === true ? "dynamic-tool" : typeof chunk.toolName === "string" ? `tool-${chunk.toolName}` : "dynamic-tool";
      part = { type, toolCallId: id };
      this.parts.push(part);
      this.tools.set(id, part);
    }
    return part;
  }

  private toolUpdate(chunk: Obj, state: string): void {
    const part = this.toolPart(chunk, true);
    if (!part) return;
    mergeInto(part, chunk, ["type"]);
    part.state = state;
  }

  private dataPart(chunk: AssistantPart): void {
    const part = without(chunk, ["transient"]) as AssistantPart;
    const index = this.parts.findIndex((p) => p.type === part.type && p.id === part.id);
    if (index >= 0) this.parts[index] = part;
    else this.parts.push(part);
  }

  private complete(type: "finish" | "abort", chunk: Obj): CompletedMessage {
    // Only `finish` merges its messageMetadata; an abort's survives only inside `_finish_chunk` (assembler.ex).
    if (type === "finish") this.mergeMetadata(chunk);
    for (const map of [this.openText, this.openReasoning]) {
      for (const part of map.values()) part.state = "done";
      map.clear();
    }
    const content: AssistantContent = { id: this.messageId ?? this.newId(), role: "assistant", parts: this.parts };
    const metadata = { ...this.metadata, termination: type, _finish_chunk: chunk };
    this.reset();
    return { content, metadata };
  }
}
