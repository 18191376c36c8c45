// Each operator's notification choices (issue 17), stored server-side so they follow the operator to every
// browser: which events raise a notification and whether it also plays a sound. The browser's own permission
// is the browser's; without it nothing is shown whatever is chosen here.
import { audit } from "~/audit/audit.server";
import type { Actor } from "~/auth/actor";
import { db } from "~/db.server";

export type NotificationPrefs = { mine: boolean; waiting: boolean; sound: boolean };

export const DEFAULT_NOTIFICATION_PREFS: NotificationPrefs = { mine: true, waiting: true, sound: false };

export async function notificationPrefs(operatorId: string): Promise<NotificationPrefs> {
  const prisma = await db();
  const row = await prisma.notificationPreference.findUnique({ where: { operatorId } });
  return row ? { mine: row.mine, waiting: row.waiting, sound: row.sound } : DEFAULT_NOTIFICATION_PREFS;
}

/** Several operators' choices in one query (the notifier's fan-out). */
export async function notificationPrefsOf(operatorIds: string[]): Promise<Map<string, NotificationPrefs>> {
  if (operatorIds.length === 0) return new Map();
  const prisma = await db();
  const rows = await prisma.notificationPreference.findMany({ where: { operatorId: { in: operatorIds } } });
  const found = new Map(rows.map((row) => [row.operatorId, { mine: row.mine, waiting: row.waiting, sound: row.sound }]));
  return new Map(operatorIds.map((id) => [id, found.get(id) ?? DEFAULT_NOTIFICATION_PREFS]));
}

export async function saveNotificationPrefs(actor: Pick<Actor, "id" | "email">, prefs: NotificationPrefs, ip?: string) {
  const prisma = await db();
  await prisma.$transaction(async (tx) => {
    await tx.notificationPreference.upsert({ where: { operatorId: actor.id }, create: { operatorId: actor.id, ...prefs }, update: prefs });
    await audit({ actor, action: "account.notifications", targetType: "operator", targetId: actor.id, details: prefs, ip }, tx);
  });
}
