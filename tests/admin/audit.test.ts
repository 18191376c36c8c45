import { call, makeOperator, request, type TestOperator } from "../support/auth";
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { loader } from "~/routes/admin.audit";
import { audit } from "~/audit/audit.server";
import { readDetails } from "~/audit/audit-log.server";
import { db } from "~/db.server";

type Body = {
  events: { id: number; action: string; actorEmail: string | null; targetType: string | null; targetId: string | null; details: string }[];
  actions: { value: string; count: number }[];
  table: { total: number };
};
const browse = async (as: TestOperator, query: string) => {
  const res = await call(() => loader({ request: request(`/admin/audit${query}`, { as }), params: {}, context: {} }));
  return { status: res.status, body: res.body as Body };
};

describe("audit log page", () => {
  it("filters by action, actor, target and date range from the URL, newest first", async () => {
    const admin = await makeOperator("admin");
    const actor = await makeOperator("operator");
    const target = randomUUID();
    const action = `test.${randomUUID().slice(0, 8)}`;
    await audit({ actor, action, targetType: "session", targetId: target, details: { n: 1 } });
    await audit({ actor, action, targetType: "session", targetId: target, details: { n: 2 } });
    await audit({ actor: admin, action, targetType: "session", targetId: target, details: { n: 3 } });
    await audit({ actor, action: `${action}.other`, targetType: "note", targetId: target });

    // `action` is a prefix, as in the CSV export: the exact name also matches its longer sibling.
    const byAction = await browse(admin, `?action=${action}`);
    expect(byAction.status).toBe(200);
    expect(byAction.body.table.total).toBe(4);
    const exact = await browse(admin, `?action=${action}&targetType=session`);
    expect(exact.body.events.map((e) => JSON.parse(e.details).n)).toEqual([3, 2, 1]);
    expect(byAction.body.actions).toEqual(expect.arrayContaining([{ value: action, label: action, count: 3 }]));

    const byActor = await browse(admin, `?action=${action}&actor=${actor.email.toUpperCase()}`);
    expect(byActor.body.table.total).toBe(3);
    const byActorId = await browse(admin, `?actor=${actor.id}`);
    expect(byActorId.body.events.map((e) => e.actorEmail)).toEqual([actor.email, actor.email, actor.email]);

    expect((await browse(admin, `?targetType=note&targetId=${target}`)).body.events.map((e) => e.action)).toEqual([`${action}.other`]);
    expect((await browse(admin, `?targetId=${target}`)).body.table.total).toBe(4);

    const today = new Date().toISOString().slice(0, 10);
    expect((await browse(admin, `?targetId=${target}&from=${today}&to=${today}`)).body.table.total).toBe(4);
    expect((await browse(admin, `?targetId=${target}&to=2000-01-01`)).body.table.total).toBe(0);
    expect((await browse(admin, `?targetId=${target}&from=2999-01-01`)).body.table.total).toBe(0);

    const oldestFirst = await browse(admin, `?action=${action}&targetType=session&sort=at.asc&pageSize=10`);
    expect(oldestFirst.body.events.map((e) => JSON.parse(e.details).n)).toEqual([1, 2, 3]);
  });

  it("pages through events", async () => {
    const admin = await makeOperator("admin");
    const action = `page.${randomUUID().slice(0, 8)}`;
    for (let i = 0; i < 12; i++) await audit({ actor: admin, action, details: { i } });
    const second = await browse(admin, `?action=${action}&pageSize=10&page=2&sort=at.asc`);
    expect(second.body.table.total).toBe(12);
    expect(second.body.events.map((e) => JSON.parse(e.details).i)).toEqual([10, 11]);
  });

  it.each([["?sort=details.asc"], ["?action=<script>"], ["?action=a&action=b"], ["?from=yesterday"], ["?where=1"], ["?target=x"], ["?page=-1"]])(
    "answers 400 to %s",
    async (query) => {
      const admin = await makeOperator("admin");
      expect((await browse(admin, query)).status).toBe(400);
    },
  );

  it("hands details to the page as JSON text, never as markup, even when they hold HTML", async () => {
    const admin = await makeOperator("admin");
    const action = `xss.${randomUUID().slice(0, 8)}`;
    await audit({ actor: admin, action, details: { comment: "<img src=x onerror=alert(1)>" } });
    const [event] = (await browse(admin, `?action=${action}`)).body.events;
    expect(event.details).toBe('{\n  "comment": "<img src=x onerror=alert(1)>"\n}');
    expect(readDetails("not json <b>")).toBe("not json <b>");
    expect(readDetails("{}")).toBe("");
  });

  it("only reads: browsing writes no audit event", async () => {
    const admin = await makeOperator("admin");
    await browse(admin, "");
    expect(await (await db()).auditEvent.count({ where: { actorId: admin.id } })).toBe(0);
  });
});
