// Every permission for every role, written out: a change to who may do what shows up here as a diff a reviewer
// reads, never as a silent side effect. Then the guard that routes call, on a real request for each role.
import { call, makeOperator, request, type TestOperator } from "../support/auth";
import { beforeAll, describe, expect, it } from "vitest";
import { requirePermission } from "~/auth/guards.server";
import { can, PERMISSIONS, ROLES, type Permission, type Role } from "~/auth/permissions";

const TABLE: Record<Permission, Record<Role, boolean>> = {
  "sessions:read": { admin: true, operator: true, auditor: true },
  "read-state:write": { admin: true, operator: true, auditor: true },
  "notes:write": { admin: true, operator: true, auditor: true },
  "notes:delete-any": { admin: true, operator: false, auditor: false },
  "inbox:triage": { admin: true, operator: true, auditor: false },
  "takeover:claim": { admin: true, operator: true, auditor: false },
  "takeover:force-release": { admin: true, operator: false, auditor: false },
  "reply:stop": { admin: true, operator: true, auditor: false },
  "reviews:read": { admin: true, operator: true, auditor: true },
  "reviews:write": { admin: true, operator: true, auditor: true },
  "reviews:export": { admin: true, operator: false, auditor: true },
  "reviews:curate": { admin: true, operator: false, auditor: true },
  "reviews:open-queues": { admin: true, operator: false, auditor: true },
  "reviews:manage": { admin: true, operator: false, auditor: false },
  "settings:manage": { admin: true, operator: false, auditor: false },
  "operators:manage": { admin: true, operator: false, auditor: false },
  "audit:read": { admin: true, operator: false, auditor: false },
};

describe("the permission table", () => {
  it("lists exactly the permissions the module defines", () => {
    expect(Object.keys(TABLE).sort()).toEqual(Object.keys(PERMISSIONS).sort());
    expect([...ROLES].sort()).toEqual(["admin", "auditor", "operator"]);
  });

  const cells = Object.entries(TABLE).flatMap(([permission, byRole]) =>
    ROLES.map((role) => ({ permission: permission as Permission, role, allowed: byRole[role] })),
  );
  it.each(cells)("$role · $permission → $allowed", ({ permission, role, allowed }) => {
    expect(can({ role }, permission)).toBe(allowed);
  });

  it("no one without a known role, and no one signed out, holds anything", () => {
    for (const permission of Object.keys(PERMISSIONS) as Permission[]) {
      expect(can({ role: "superuser" }, permission)).toBe(false);
      expect(can(null, permission)).toBe(false);
    }
  });
});

describe("requirePermission", () => {
  const operators = {} as Record<Role, TestOperator>;
  beforeAll(async () => {
    for (const role of ROLES) operators[role] = await makeOperator(role);
  });

  it.each(ROLES)("%s: passes the permissions the table gives, 403 with the roles named for the others", async (role) => {
    for (const permission of Object.keys(TABLE) as Permission[]) {
      const outcome = await call(() => requirePermission(request("/anything", { as: operators[role] }), permission));
      if (TABLE[permission][role]) expect(outcome.body, permission).toMatchObject({ id: operators[role].id, role });
      else {
        expect(outcome.status, permission).toBe(403);
        expect(String(outcome.body)).toContain(PERMISSIONS[permission].join(" or "));
      }
    }
  });

  it("signed out: off to the sign-in page, whatever the permission", async () => {
    const outcome = await call(() => requirePermission(request("/reviews"), "reviews:read"));
    expect(outcome.status).toBe(302);
    expect(outcome.headers.get("location")).toMatch(/^\/login\?redirectTo=/);
  });
});
