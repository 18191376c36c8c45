// The admin inbox settings, the session notes and the shell's theme form (ADR 190): limits, line-numbered
// phrase errors, intents, and the input attributes the browser is given.
import { describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { InboxSettingsFormSchema } from "~/inbox/settings-form";
import { schemaConstraint } from "~/lib/forms";
import { ThemeFormSchema } from "~/lib/theme-form";
import { NoteForms, NoteIntentSchema } from "~/notes/note-forms";
import { errorsOf, valueOf } from "./support";

const settings = { handoffPhrases: "talk to a person\nreal person", unansweredMinutes: "5", assignCap: "20" };

describe("inbox settings", () => {
  it("reads one phrase a line, blank lines dropped, numbers as numbers", () => {
    expect(valueOf(InboxSettingsFormSchema, { ...settings, handoffPhrases: " Talk To A Human \n\n  \nreal person" })).toEqual({
      handoffPhrases: ["Talk To A Human", "real person"],
      unansweredMinutes: 5,
      assignCap: 20,
    });
    expect(valueOf(InboxSettingsFormSchema, { ...settings, handoffPhrases: "" }).handoffPhrases).toEqual([]);
  });

  it("names a bad phrase by its line in the textarea", () => {
    expect(errorsOf(InboxSettingsFormSchema, { ...settings, handoffPhrases: "fine phrase\n\nx" })?.handoffPhrases).toEqual([
      "line 3: a phrase needs at least 2 characters",
    ]);
    expect(errorsOf(InboxSettingsFormSchema, { ...settings, handoffPhrases: "p".repeat(81) })?.handoffPhrases).toEqual([
      "line 1: a phrase has at most 80 characters",
    ]);
    const many = Array.from({ length: 51 }, (_, i) => `phrase ${i}`).join("\n");
    expect(errorsOf(InboxSettingsFormSchema, { ...settings, handoffPhrases: many })?.handoffPhrases).toEqual(["at most 50 phrases"]);
    expect(errorsOf(InboxSettingsFormSchema, { ...settings, handoffPhrases: many.split("\n").slice(1).join("\n") })).toBeNull();
  });

  it.each([
    [{ unansweredMinutes: "0" }, "unansweredMinutes", "at least 1 minute"],
    [{ unansweredMinutes: "10081" }, "unansweredMinutes", "at most a week (10,080 minutes)"],
    [{ unansweredMinutes: "1.5" }, "unansweredMinutes", "whole minutes"],
    [{ assignCap: "1001" }, "assignCap", "at most 1,000"],
    [{ assignCap: "0" }, "assignCap", "at least 1"],
  ])("refuses %o", (fields, field, message) => {
    expect(errorsOf(InboxSettingsFormSchema, { ...settings, ...fields })?.[field]).toEqual([message]);
  });

  it("takes the limits and tells the browser them", () => {
    expect(errorsOf(InboxSettingsFormSchema, { ...settings, unansweredMinutes: "10080", assignCap: "1000" })).toBeNull();
    expect(errorsOf(InboxSettingsFormSchema, { ...settings, unansweredMinutes: "1", assignCap: "1" })).toBeNull();
    const constraint = schemaConstraint(InboxSettingsFormSchema);
    expect(constraint.unansweredMinutes).toMatchObject({ required: true, min: 1, max: 10080 });
    expect(constraint.assignCap).toMatchObject({ required: true, min: 1, max: 1000 });
    expect(constraint.handoffPhrases?.required).toBeFalsy();
  });
});

describe("session notes", () => {
  const clientId = randomUUID();

  it("trims a note and takes 5,000 characters", () => {
    expect(valueOf(NoteForms.create, { intent: "create", clientId, body: "  hi  " }).body).toBe("hi");
    expect(errorsOf(NoteForms.create, { intent: "create", clientId, body: "x".repeat(5000) })).toBeNull();
    expect(schemaConstraint(NoteForms.create).body).toMatchObject({ required: true, minLength: 1, maxLength: 5000 });
    expect(schemaConstraint(NoteForms.edit).body).toMatchObject({ required: true, maxLength: 5000 });
  });

  it.each([
    [NoteForms.create, { intent: "create", clientId, body: "  " }, "body", "Write something first"],
    [NoteForms.create, { intent: "create", clientId, body: "x".repeat(5001) }, "body", "At most 5000 characters"],
    [NoteForms.create, { intent: "create", clientId: "nope", body: "hi" }, "clientId", "Reload the page and try again"],
    [NoteForms.create, { intent: "create", body: "hi" }, "clientId", "Reload the page and try again"],
    [NoteForms.edit, { intent: "edit", noteId: "", body: "hi" }, "noteId", "Missing note"],
    [NoteForms.delete, { intent: "delete", noteId: "n".repeat(65) }, "noteId", "Not a note id"],
    [NoteIntentSchema, { intent: "shout" }, "intent", "Unknown action."],
  ])("refuses %#: %o", (schema, fields, field, message) => {
    expect(errorsOf(schema, fields)?.[field]).toEqual([message]);
  });
});

describe("theme", () => {
  it("is one of three", () => {
    for (const theme of ["system", "light", "dark"]) expect(errorsOf(ThemeFormSchema, { theme })).toBeNull();
    expect(errorsOf(ThemeFormSchema, { theme: "sepia" })?.theme).toEqual(["Pick system, light or dark."]);
    expect(errorsOf(ThemeFormSchema, {})?.theme).toEqual(["Pick system, light or dark."]);
  });
});
