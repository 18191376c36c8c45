// Form reading and answering shared by every action: one zod schema per form, parsed with conform
// (`parseSubmission`, ADR 190); a rejected form answers conform's reply with status 400 (or the status given).
import type { Submission } from "@conform-to/react";
import { data } from "@remix-run/node";
import { isSecretField } from "./forms";

export const MAX_FORM_BYTES = 64 * 1024;

/** Reads a urlencoded or multipart form, refusing bodies over MAX_FORM_BYTES with 413. */
export async function readForm(request: Request): Promise<FormData> {
  const length = Number(request.headers.get("content-length") ?? 0);
  if (length > MAX_FORM_BYTES) throw new Response("Form too large.", { status: 413 });
  const text = await request.text();
  if (text.length > MAX_FORM_BYTES) throw new Response("Form too large.", { status: 413 });
  const type = request.headers.get("content-type") ?? "";
  if (type.includes("multipart/form-data")) {
    try {
      return await new Request(request.url, { method: "POST", headers: { "content-type": type }, body: text }).formData();
    } catch {
      throw new Response("The form could not be read: malformed multipart body.", { status: 400 });
    }
  }
  return fromUrlEncoded(text);
}

function fromUrlEncoded(text: string): FormData {
  const form = new FormData();
  for (const [key, value] of new URLSearchParams(text)) form.append(key, value);
  return form;
}

/**
 * The answer to a rejected form: conform's reply (field errors by name, form errors under "", what was typed
 * except passwords), with status 400 unless told otherwise. `fieldErrors`/`formErrors` add the server's own
 * verdicts (an e-mail already taken, a wrong current password) to a form the schema accepted.
 */
export function rejected(
  submission: Submission<unknown>,
  options: { status?: number; headers?: HeadersInit; fieldErrors?: Record<string, string[]>; formErrors?: string[] } = {},
) {
  const hideFields = Object.keys(submission.payload).filter(isSecretField);
  return data(submission.reply({ fieldErrors: options.fieldErrors, formErrors: options.formErrors, hideFields }), {
    status: options.status ?? 400,
    headers: options.headers,
  });
}

/**
 * What a resource route (no UI) must answer: a Response. Remix sends any other value from a resource route as
 * JSON with status 200, so a `data(..., { status: 400 })` from rejected() would reach the caller as a 200.
 */
export function jsonResponse(result: unknown, status = 200): Response {
  if (result instanceof Response) return result;
  if (result && typeof result === "object" && (result as { type?: string }).type === "DataWithResponseInit") {
    const { data: body, init } = result as { data: unknown; init?: ResponseInit | null };
    return Response.json(body, { status: init?.status ?? status, headers: init?.headers });
  }
  return Response.json(result, { status });
}
