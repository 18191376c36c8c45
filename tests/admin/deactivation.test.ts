// What the deactivation confirmation says (issue 17): the sign-ins it ends and the sessions held, counted by the
// operators list the admin page reads.
import { makeOperator, request } from "../support/auth";
import { describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { deactivationWarning } from "~/operators/deactivation";
import { listOperators } from "~/operators/operator-list.server";

describe("the deactivation confirmation", () => {
  it("names what ends: sign-ins and held sessions, with their numbers", () => {
    expect(deactivationWarning("Otto", 2, 3)).toBe(
      "Deactivate Otto? They will be signed out of 2 browsers and cannot sign in again until reactivated. The 3 sessions they hold are handed back to the AI at once; a reply they were drafting stays only in their own browser.",
    );
    expect(deactivationWarning("Otto", 1, 1)).toContain("signed out of 1 browser and");
    expect(deactivationWarning("Otto", 1, 1)).toContain("The session they hold is handed back");
    expect(deactivationWarning("Otto", 0, 0)).toBe(
      "Deactivate Otto? They are not signed in anywhere and cannot sign in again until reactivated. They hold no session.",
    );
  });

  it("the operators list counts live sign-ins and sessions held (not released ones)", async () => {
    const admin = await makeOperator("admin");
    const otto = await makeOperator("operator");
    const prisma = await db();
    await prisma.takeover.create({ data: { sessionId: `held-${otto.id}`, activeSessionId: `held-${otto.id}`, operatorId: otto.id } });
    await prisma.takeover.create({ data: { sessionId: `gone-${otto.id}`, operatorId: otto.id, releasedAt: new Date(), releaseReason: "handback" } });
    const { operators } = await listOperators(request(`/admin/operators?q=${encodeURIComponent(otto.email)}`, { as: admin }));
    expect(operators.find((o) => o.id === otto.id)).toMatchObject({ sessions: 1, held: 1 });
  });
});
