// The operator forms' schemas (admin operators page, account page): their limits, what they accept, and the
// limits the browser gets as input attributes (getZodConstraint), so the page and the action agree.
import { schemaConstraint as getZodConstraint } from "~/lib/forms";
import { describe, expect, it } from "vitest";
import { AccountIntentSchema, ChangePasswordSchema, OperatorForms, OperatorIntentSchema, RevokeSessionSchema } from "~/operators/forms";
import { errorsOf, valueOf } from "./support";

const create = { intent: "create", email: "new@example.test", name: "New Person", role: "operator", password: "long enough" };

describe("new operator", () => {
  it("accepts a good form, trimmed and with the e-mail lower-cased", () => {
    expect(valueOf(OperatorForms.create, { ...create, email: " New@Example.TEST ", name: "  New Person " })).toEqual({
      ...create,
      email: "new@example.test",
      name: "New Person",
    });
  });

  it.each([
    [{ email: "nope" }, "email", "Enter a valid e-mail address"],
    [{ email: undefined }, "email", "Enter an e-mail address"],
    [{ email: `${"a".repeat(250)}@example.test` }, "email", "At most 254 characters"],
    [{ name: " " }, "name", "Enter a name"],
    [{ name: "n".repeat(101) }, "name", "At most 100 characters"],
    [{ role: "root" }, "role", "Pick admin, operator or auditor"],
    [{ password: "short" }, "password", "At least 8 characters"],
    [{ password: "p".repeat(257) }, "password", "At most 256 characters"],
    [{ password: undefined }, "password", "Enter a password"],
  ])("refuses %o: %s says %s", (change, field, message) => {
    expect(errorsOf(OperatorForms.create, { ...create, ...change })?.[field]).toEqual([message]);
  });

  it("takes a 100-character name and a 256-character password, the limits themselves", () => {
    expect(errorsOf(OperatorForms.create, { ...create, name: "n".repeat(100), password: "p".repeat(256) })).toBeNull();
  });

  it("gives the browser the same limits as input attributes", () => {
    const constraint = getZodConstraint(OperatorForms.create);
    expect(constraint.email).toMatchObject({ required: true, maxLength: 254 });
    expect(constraint.name).toMatchObject({ required: true, minLength: 1, maxLength: 100 });
    expect(constraint.password).toMatchObject({ required: true, minLength: 8, maxLength: 256 });
  });
});

describe("row actions", () => {
  it("change-role needs an operator and a known role", () => {
    expect(errorsOf(OperatorForms["change-role"], { intent: "change-role", id: "op-1", role: "auditor" })).toBeNull();
    expect(errorsOf(OperatorForms["change-role"], { intent: "change-role", id: "op-1", role: "superuser" })?.role).toEqual(["Pick admin, operator or auditor"]);
    expect(errorsOf(OperatorForms["change-role"], { intent: "change-role", id: " ", role: "auditor" })?.id).toEqual(["Which operator?"]);
  });

  it("reset-password has the password limits", () => {
    const form = { intent: "reset-password", id: "op-1" };
    expect(errorsOf(OperatorForms["reset-password"], { ...form, newPassword: "short" })?.newPassword).toEqual(["At least 8 characters"]);
    expect(errorsOf(OperatorForms["reset-password"], { ...form, newPassword: "p".repeat(257) })?.newPassword).toEqual(["At most 256 characters"]);
    expect(getZodConstraint(OperatorForms["reset-password"]).newPassword).toMatchObject({ required: true, minLength: 8, maxLength: 256 });
  });

  it("an operator id is at most 100 characters", () => {
    expect(errorsOf(OperatorForms.deactivate, { intent: "deactivate", id: "x".repeat(101) })?.id).toBeDefined();
    expect(errorsOf(OperatorForms.deactivate, { intent: "deactivate", id: "x".repeat(100) })).toBeNull();
  });

  it("an unknown intent is told so", () => {
    expect(errorsOf(OperatorIntentSchema, { intent: "drop-table" })?.intent).toEqual(["Unknown action."]);
    expect(errorsOf(OperatorIntentSchema, { intent: "create" })).toBeNull();
  });
});

describe("account", () => {
  const change = { intent: "change-password", current: "old password", newPassword: "a much better password", newConfirm: "a much better password" };

  it.each([
    [{ current: "" }, "current", "Enter your current password"],
    [{ current: "c".repeat(257) }, "current", "At most 256 characters"],
    [{ newPassword: "short", newConfirm: "short" }, "newPassword", "At least 8 characters"],
    [{ newConfirm: "something else" }, "newConfirm", "The two new passwords differ"],
    [{ newConfirm: undefined }, "newConfirm", "Repeat the new password"],
  ])("change password refuses %o: %s says %s", (fields, field, message) => {
    expect(errorsOf(ChangePasswordSchema, { ...change, ...fields })?.[field]).toEqual([message]);
  });

  it("change password accepts matching new passwords, and its limits reach the inputs", () => {
    expect(errorsOf(ChangePasswordSchema, change)).toBeNull();
    const constraint = getZodConstraint(ChangePasswordSchema);
    expect(constraint.newPassword).toMatchObject({ required: true, minLength: 8, maxLength: 256 });
    expect(constraint.current).toMatchObject({ required: true, maxLength: 256 });
  });

  it("a session id is 64 hex digits", () => {
    expect(errorsOf(RevokeSessionSchema, { intent: "revoke-session", id: "a".repeat(64) })).toBeNull();
    expect(errorsOf(RevokeSessionSchema, { intent: "revoke-session", id: "a".repeat(63) })?.id).toEqual(["Not a session id"]);
    expect(errorsOf(RevokeSessionSchema, { intent: "revoke-session", id: "g".repeat(64) })?.id).toEqual(["Not a session id"]);
  });

  it("knows the account page's three intents only", () => {
    for (const intent of ["change-password", "notifications", "revoke-session"]) expect(errorsOf(AccountIntentSchema, { intent })).toBeNull();
    expect(errorsOf(AccountIntentSchema, { intent: "delete-account" })?.intent).toEqual(["Unknown action."]);
  });
});
