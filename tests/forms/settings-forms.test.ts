// The admin settings forms' schemas and the account page's notification form: limits, checkboxes, intents.
import { schemaConstraint as getZodConstraint } from "~/lib/forms";
import { describe, expect, it } from "vitest";
import { NotificationPrefsSchema } from "~/notifications/forms";
import { JoinLeaveFormSchema, OperatorIdentityFormSchema, SettingsIntentSchema } from "~/settings/forms";
import { errorsOf, valueOf } from "./support";

const joinLeave = { intent: "join-leave", enabled: "on", kind: "system", join: "{name} joined", leave: "{name} left" };

describe("join and leave messages", () => {
  it("reads the checkbox (absent means off) and trims the text", () => {
    expect(valueOf(JoinLeaveFormSchema, { ...joinLeave, join: "  {name} joined  " })).toEqual({ ...joinLeave, enabled: true, join: "{name} joined" });
    expect(valueOf(JoinLeaveFormSchema, { ...joinLeave, enabled: undefined }).enabled).toBe(false);
  });

  it.each([
    [{ join: " " }, "join", "Write the message"],
    [{ leave: "l".repeat(201) }, "leave", "At most 200 characters"],
    [{ join: "line\nbreak" }, "join", "No control characters"],
    [{ kind: "Upper" }, "kind", "A kind is 1–40 lower-case letters, digits, _ . or -, starting with a letter"],
    [{ kind: "k".repeat(41) }, "kind", "At most 40 characters"],
    [{ kind: "assistant" }, "kind", "Not assistant: the user's app would show it as an AI reply"],
    [{ enabled: "yes" }, "enabled", undefined],
  ])("refuses %o on %s", (fields, field, message) => {
    const errors = errorsOf(JoinLeaveFormSchema, { ...joinLeave, ...fields });
    expect(errors?.[field]).toBeDefined();
    if (message) expect(errors?.[field]).toContain(message);
  });

  it("takes 200 characters and a 40-character kind, and tells the browser the limits", () => {
    expect(errorsOf(JoinLeaveFormSchema, { ...joinLeave, join: "j".repeat(200), kind: "k".repeat(40) })).toBeNull();
    const constraint = getZodConstraint(JoinLeaveFormSchema);
    expect(constraint.join).toMatchObject({ required: true, minLength: 1, maxLength: 200 });
    expect(constraint.leave).toMatchObject({ required: true, maxLength: 200 });
    expect(constraint.kind).toMatchObject({ required: true, maxLength: 40 });
    expect(constraint.enabled?.required).toBeFalsy();
  });
});

describe("operator identity", () => {
  it("is one of three policies", () => {
    for (const operatorIdentity of ["none", "display-name", "full"])
      expect(errorsOf(OperatorIdentityFormSchema, { intent: "operator-identity", operatorIdentity })).toBeNull();
    expect(errorsOf(OperatorIdentityFormSchema, { intent: "operator-identity", operatorIdentity: "everything" })?.operatorIdentity).toEqual([
      "Pick none, display name only, or full",
    ]);
    expect(errorsOf(OperatorIdentityFormSchema, { intent: "operator-identity" })?.operatorIdentity).toEqual(["Pick none, display name only, or full"]);
  });

  it("the settings page knows two intents", () => {
    expect(errorsOf(SettingsIntentSchema, { intent: "join-leave" })).toBeNull();
    expect(errorsOf(SettingsIntentSchema, { intent: "reboot" })?.intent).toEqual(["Unknown action."]);
  });
});

describe("notification settings", () => {
  it("checked boxes are on, absent ones off", () => {
    expect(valueOf(NotificationPrefsSchema, { intent: "notifications", mine: "on", sound: "on" })).toEqual({
      intent: "notifications",
      mine: true,
      waiting: false,
      sound: true,
    });
  });

  it("refuses a box with any other value, and another intent", () => {
    expect(errorsOf(NotificationPrefsSchema, { intent: "notifications", mine: "maybe" })?.mine).toBeDefined();
    expect(errorsOf(NotificationPrefsSchema, { intent: "change-password" })?.intent).toBeDefined();
  });
});
