// Score configurations (admins): numeric (range, step), categorical (named options) or boolean, each with a
// description and an optional rubric. Versioned: an edit writes version + 1 under the same key and never
// touches earlier versions, so past reviews keep the definition they were scored against.
import type { ScoreConfigInput } from "./score-forms";
import { audit, type AuditActor } from "~/audit/audit.server";
import { db } from "~/db.server";
import type { ScoreConfigView, ScoreKind } from "./score-types";
import { isUniqueViolation } from "~/lib/db-errors.server";

// The schema lives with the page's forms (score-forms.ts); the services and tests read it from here too.
export { ScoreConfigFormSchema, type ScoreConfigInput } from "./score-forms";

type Row = {
  id: string;
  key: string;
  version: number;
  kind: string;
  label: string;
  description: string;
  rubric: string;
  min: number | null;
  max: number | null;
  step: number | null;
  options: string;
  required: boolean;
};

export function toView(row: Row): ScoreConfigView {
  return { ...row, kind: row.kind as ScoreKind, options: JSON.parse(row.options) as string[] };
}

/** The newest version of every score that is not retired (what new reviews are written against). */
export async function currentScoreConfigs(keys?: string[]): Promise<ScoreConfigView[]> {
  const prisma = await db();
  const rows = await prisma.scoreConfig.findMany({ where: keys ? { key: { in: keys } } : {}, orderBy: [{ key: "asc" }, { version: "desc" }] });
  const newest = new Map<string, (typeof rows)[number]>();
  for (const row of rows) if (!newest.has(row.key)) newest.set(row.key, row);
  const list = [...newest.values()].filter((r) => !r.retired).map(toView);
  return keys ? keys.map((k) => list.find((c) => c.key === k)).filter((c): c is ScoreConfigView => Boolean(c)) : list;
}

export async function scoreConfigVersions(key: string) {
  const prisma = await db();
  return (await prisma.scoreConfig.findMany({ where: { key }, orderBy: { version: "desc" } })).map((r) => ({
    ...toView(r),
    retired: r.retired,
    createdAt: r.createdAt.toISOString(),
  }));
}

export class ScoreKeyTakenError extends Error {}

/**
 * Creates a score (version 1) or, when the key exists, its next version. `create` refuses an existing key
 * (the admin meant a new score); `edit` refuses a missing one.
 */
export async function saveScoreConfig(actor: AuditActor, input: ScoreConfigInput, mode: "create" | "edit", ip?: string) {
  const prisma = await db();
  const data = {
    kind: input.kind,
    label: input.label,
    description: input.description,
    rubric: input.rubric,
    min: input.kind === "numeric" ? input.min! : null,
    max: input.kind === "numeric" ? input.max! : null,
    step: input.kind === "numeric" ? (input.step ?? null) : null,
    options: JSON.stringify(input.kind === "categorical" ? input.options : []),
    required: input.required,
  };
  for (let attempt = 0; ; attempt++) {
    try {
      return await prisma.$transaction(async (tx) => {
        const latest = await tx.scoreConfig.findFirst({ where: { key: input.key }, orderBy: { version: "desc" } });
        if (mode === "create" && latest) throw new ScoreKeyTakenError(`A score with the key “${input.key}” exists: edit it instead.`);
        if (mode === "edit" && !latest) throw new Response("No such score.", { status: 404 });
        const row = await tx.scoreConfig.create({ data: { ...data, key: input.key, version: (latest?.version ?? 0) + 1, createdById: actor?.id ?? null } });
        await audit(
          {
            actor,
            action: latest ? "score_config.version" : "score_config.create",
            targetType: "score_config",
            targetId: row.id,
            details: { key: row.key, version: row.version, kind: row.kind },
            ip,
          },
          tx,
        );
        return toView(row);
      });
    } catch (error) {
      // Two admins saving the same key at once: the unique (key, version) lets one win; the other retries once.
      if (!isUniqueViolation(error) || attempt > 0) {
        if (isUniqueViolation(error) && mode === "create") throw new ScoreKeyTakenError(`A score with the key “${input.key}” exists: edit it instead.`);
        throw error;
      }
    }
  }
}

/** Retires a score for new reviews (adds a retired version; old reviews and their versions stay). */
export async function retireScoreConfig(actor: AuditActor, key: string, ip?: string) {
  const prisma = await db();
  await prisma.$transaction(async (tx) => {
    const latest = await tx.scoreConfig.findFirst({ where: { key }, orderBy: { version: "desc" } });
    if (!latest || latest.retired) throw new Response("No such score.", { status: 404 });
    const { id: _id, createdAt: _c, version, ...rest } = latest;
    const row = await tx.scoreConfig.create({ data: { ...rest, version: version + 1, retired: true, createdById: actor?.id ?? null } });
    await audit({ actor, action: "score_config.retire", targetType: "score_config", targetId: row.id, details: { key, version: row.version }, ip }, tx);
  });
}
