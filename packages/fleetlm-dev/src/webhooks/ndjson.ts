// Splits a streamed body into NDJSON lines: trimmed, blanks skipped, a final unterminated line still counts.

export class LineSplitter {
  private buffer = "";
  private decoder = new TextDecoder();

  push(bytes: Uint8Array): string[] {
    this.buffer += this.decoder.decode(bytes, { stream: true });
    const parts = this.buffer.split("\n");
    this.buffer = parts.pop() ?? "";
    return parts.map((l) => l.trim()).filter((l) => l.length > 0);
  }

  end(): string[] {
    this.buffer += this.decoder.decode();
    const last = this.buffer.trim();
    this.buffer = "";
    return last ? [last] : [];
  }
}
