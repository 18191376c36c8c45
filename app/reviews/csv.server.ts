// Streaming CSV downloads: rows come from an async source read in keyset-paged batches, go through
// csv-stringify with backpressure, and leave as a ReadableStream, so memory stays flat however large the export.
import { once } from "node:events";
import { stringify } from "csv-stringify";

const CHUNK_BYTES = 64 * 1024;

export type Cell = string | number | boolean | null | undefined | Date;

/**
 * Neutralises spreadsheet formula injection (CWE-1236, OWASP "CSV injection"): a text cell starting with
 * = + - @ tab or CR is prefixed with a single quote so Excel/LibreOffice/Sheets show it as text.
 * Numbers stay numbers (a negative latency is data, not a formula).
 */
export function neutralise(value: Cell): string | number {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") return Number.isFinite(value) ? value : "";
  if (typeof value === "boolean") return value ? "true" : "false";
  if (value instanceof Date) return value.toISOString();
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/** Neutralised CSV text of the rows (for small exports and tests). */
export async function toCsv(header: string[], rows: Cell[][]): Promise<string> {
  const chunks: string[] = [];
  const stream = csvStream(
    header,
    (async function* () {
      yield rows;
    })(),
  );
  const reader = stream.getReader();
  const decoder = new TextDecoder("utf-8", { ignoreBOM: true }); // keep the BOM: it is part of the file
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    chunks.push(decoder.decode(value, { stream: true }));
  }
  return chunks.join("") + decoder.decode();
}

/**
 * A UTF-8 CSV byte stream (with a BOM so Excel reads Unicode) of `header` and the batches `source` yields.
 * The source is pulled only as fast as the consumer reads; cancelling the stream stops the source.
 */
export function csvStream(header: string[], source: AsyncIterable<Cell[][]>): ReadableStream<Uint8Array> {
  // quoted_match: csv-stringify only quotes the record delimiter itself (\r\n), so a bare \n or \r in a comment
  // would otherwise leave the cell unquoted and split the row for strict readers.
  const stringifier = stringify({ bom: true, header: true, columns: header, record_delimiter: "\r\n", quoted_match: /[\r\n]/ });
  let cancelled = false;
  const abort = new AbortController();
  const feed = async () => {
    try {
      for await (const batch of source) {
        for (const row of batch) {
          if (cancelled) return;
          if (!stringifier.write(row.map(neutralise))) await once(stringifier, "drain", { signal: abort.signal });
        }
      }
      stringifier.end();
    } catch (error) {
      if (cancelled) return;
      stringifier.destroy(error instanceof Error ? error : new Error(String(error)));
    }
  };
  const iterator = stringifier[Symbol.asyncIterator]() as AsyncIterator<Buffer | string>;
  const encoder = new TextEncoder();
  let started = false;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (!started) {
          started = true;
          void feed();
        }
        // csv-stringify emits one small chunk per record: hand them on in ~64 KiB pieces.
        const pieces: Uint8Array[] = [];
        let size = 0;
        let finished = false;
        while (size < CHUNK_BYTES) {
          const { value, done } = await iterator.next();
          if (done) {
            finished = true;
            break;
          }
          const bytes = typeof value === "string" ? encoder.encode(value) : new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
          pieces.push(bytes);
          size += bytes.byteLength;
        }
        if (size > 0) controller.enqueue(pieces.length === 1 ? pieces[0]! : Buffer.concat(pieces, size));
        if (finished) controller.close();
      },
      async cancel() {
        cancelled = true;
        abort.abort();
        stringifier.destroy();
      },
    },
    { highWaterMark: 2 },
  );
}

export function csvResponse(options: { filename: string; stream: ReadableStream<Uint8Array>; totalRows?: number | null }): Response {
  const headers = new Headers({
    "Content-Type": "text/csv; charset=utf-8",
    "Content-Disposition": `attachment; filename="${options.filename.replace(/[^A-Za-z0-9._-]/g, "_")}"`,
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
  });
  if (options.totalRows !== undefined && options.totalRows !== null) headers.set("X-Total-Rows", String(options.totalRows));
  return new Response(options.stream, { status: 200, headers });
}

/** Keyset paging: yields batches of `size` rows after the last key until a short batch. */
export async function* keysetBatches<T, K>(
  fetchAfter: (after: K | undefined, size: number) => Promise<T[]>,
  keyOf: (row: T) => K,
  size = 1_000,
): AsyncGenerator<T[]> {
  let after: K | undefined;
  for (;;) {
    const batch = await fetchAfter(after, size);
    if (batch.length > 0) yield batch;
    if (batch.length < size) return;
    after = keyOf(batch[batch.length - 1]!);
  }
}
