// Saved inbox views: an operator's own named URLs, and team views an admin pins for everyone. A view is only a
// query string; it is checked with the inbox's own parser when saved, so a saved view never shows a problem.
import type { z } from "zod";
import type { CurrentOperator } from "~/auth/guards.server";
import { audit } from "~/audit/audit.server";
import { db } from "~/db.server";
import type { SaveViewSchema } from "~/inbox/inbox-forms";
import { readInboxParams } from "~/inbox/inbox-query.server";

export const MAX_SAVED_VIEWS = 30;

export type SavedViewRow = { id: string; name: string; search: string; team: boolean };

/** Drops what is not part of a view (paging, unknown keys) and refuses bad values. */
export function viewSearch(raw: string): { ok: true; search: string } | { ok: false; message: string } {
  const params = new URLSearchParams(raw.startsWith("?") ? raw.slice(1) : raw);
  const { problems } = readInboxParams(params);
  if (problems.length > 0) return { ok: false, message: `This view has bad values: ${problems.map((p) => p.message).join("; ")}` };
  const kept = new URLSearchParams();
  const known = new Set(["view", "status", "agent", "q", "unread", "needsHuman", "lost", "takenOver", "assigned", "label", "sort", "pageSize"]);
  for (const [key, value] of params) if (known.has(key) && value !== "") kept.append(key, value);
  const search = kept.toString();
  return { ok: true, search: search ? `?${search}` : "" };
}

export async function listSavedViews(operatorId: string): Promise<{ mine: SavedViewRow[]; team: SavedViewRow[] }> {
  const prisma = await db();
  const rows = await prisma.savedView.findMany({
    where: { OR: [{ ownerId: operatorId }, { ownerId: null }] },
    orderBy: [{ name: "asc" }, { createdAt: "asc" }],
    take: 2 * MAX_SAVED_VIEWS,
  });
  const shape = (row: (typeof rows)[number]): SavedViewRow => ({ id: row.id, name: row.name, search: row.search, team: row.ownerId === null });
  return { mine: rows.filter((r) => r.ownerId !== null).map(shape), team: rows.filter((r) => r.ownerId === null).map(shape) };
}

export type ViewResult = { ok: true; message: string } | { ok: false; status: 400 | 403 | 404; message: string };

export async function saveView(operator: CurrentOperator, input: z.infer<typeof SaveViewSchema>, ip: string): Promise<ViewResult> {
  const team = input.team === "on";
  if (team && operator.role !== "admin") return { ok: false, status: 403, message: "Only admins pin team views." };
  const checked = viewSearch(input.search);
  if (!checked.ok) return { ok: false, status: 400, message: checked.message };
  const prisma = await db();
  const ownerId = team ? null : operator.id;
  if ((await prisma.savedView.count({ where: { ownerId } })) >= MAX_SAVED_VIEWS) {
    return { ok: false, status: 400, message: `At most ${MAX_SAVED_VIEWS} ${team ? "team" : "saved"} views: delete one first.` };
  }
  await prisma.$transaction(async (tx) => {
    const view = await tx.savedView.create({ data: { name: input.name, search: checked.search, ownerId, createdBy: operator.id } });
    await audit(
      {
        actor: { id: operator.id, email: operator.email },
        action: team ? "inbox.view_pin" : "inbox.view_save",
        targetType: "saved_view",
        targetId: view.id,
        details: { name: input.name, search: checked.search },
        ip,
      },
      tx,
    );
  });
  return { ok: true, message: team ? `Pinned “${input.name}” for the team.` : `Saved “${input.name}”.` };
}

export async function deleteView(operator: CurrentOperator, viewId: string, ip: string): Promise<ViewResult> {
  const prisma = await db();
  const view = await prisma.savedView.findUnique({ where: { id: viewId } });
  // Someone else's personal view looks exactly like a missing one.
  if (!view || (view.ownerId !== null && view.ownerId !== operator.id)) return { ok: false, status: 404, message: "No such saved view." };
  if (view.ownerId === null && operator.role !== "admin") return { ok: false, status: 403, message: "Only admins unpin team views." };
  await prisma.$transaction(async (tx) => {
    await tx.savedView.delete({ where: { id: view.id } });
    await audit(
      {
        actor: { id: operator.id, email: operator.email },
        action: view.ownerId === null ? "inbox.view_unpin" : "inbox.view_delete",
        targetType: "saved_view",
        targetId: view.id,
        details: { name: view.name },
        ip,
      },
      tx,
    );
  });
  return { ok: true, message: `Deleted “${view.name}”.` };
}
