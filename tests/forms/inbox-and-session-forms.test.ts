// The admin inbox settings, the session notes, the shell's theme form, the inbox's bulk and saved-view forms, the
// session panel's, the takeover claim, the queue's work and "add to dataset" (ADR 190, 202): limits, messages by
// field, intents, and the input attributes the browser is given.
import { describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { BulkActionSchema, DeleteViewSchema, LabelFormSchema, MAX_BULK, SaveViewSchema } from "~/inbox/inbox-forms";
import { InboxSettingsFormSchema } from "~/inbox/settings-form";
import { QueueWorkIntentSchema } from "~/reviews/queues/queue-work-forms";
import { DatasetItemFormSchema } from "~/reviews/datasets/dataset-forms";
import { ReadPositionSchema, SessionFormSchema } from "~/sessions/workspace-forms";
import { ClaimFormSchema, TakeoverIntentSchema } from "~/takeover/schemas";
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

describe("inbox bulk actions and saved views", () => {
  const ids = ["s1", "s2"];

  it("reads one id or many, and names the field of each bad value", () => {
    expect(valueOf(BulkActionSchema, { intent: "mark-read", ids: "s1" })).toEqual({ intent: "mark-read", ids: ["s1"] });
    expect(valueOf(BulkActionSchema, { intent: "label-add", ids, label: "  billing  " })).toMatchObject({ label: "billing" });
    expect(errorsOf(BulkActionSchema, { intent: "assign", assignee: "me" })?.ids).toEqual(["select at least one session"]);
    const many = Array.from({ length: MAX_BULK + 1 }, (_, i) => `s${i}`);
    expect(errorsOf(BulkActionSchema, { intent: "mark-read", ids: many })?.ids).toEqual([`select at most ${MAX_BULK} sessions`]);
    expect(errorsOf(BulkActionSchema, { intent: "label-add", ids, label: "<script>" })?.label).toEqual(["may use letters, digits, space and . : _ -"]);
    expect(errorsOf(BulkActionSchema, { intent: "label-add", ids, label: "x".repeat(41) })?.label).toEqual(["at most 40 characters"]);
    expect(errorsOf(BulkActionSchema, { intent: "label-add", ids })?.label).toEqual(["enter a label"]);
    expect(errorsOf(BulkActionSchema, { intent: "archive", ids, confirm: "yes" })?.confirm).toEqual(["confirm the archive"]);
    expect(errorsOf(BulkActionSchema, { intent: "snooze", ids, minutes: "1" })?.minutes).toEqual(["snooze for at least 5 minutes"]);
    expect(errorsOf(BulkActionSchema, { intent: "mark-unread", ids })?.ids).toEqual(["mark one session unread at a time"]);
  });

  it("gives the label box and the view name their limits", () => {
    expect(schemaConstraint(LabelFormSchema).label).toMatchObject({ required: true, minLength: 1, maxLength: 40 });
    expect(schemaConstraint(SaveViewSchema).name).toMatchObject({ required: true, minLength: 1, maxLength: 60 });
    expect(schemaConstraint(SaveViewSchema).team?.required).toBeFalsy();
  });

  it("refuses a view without a name, too long, or without its id", () => {
    expect(errorsOf(SaveViewSchema, { intent: "view-save", name: "   ", search: "" })?.name).toEqual(["name the view"]);
    expect(errorsOf(SaveViewSchema, { intent: "view-save", name: "n".repeat(61), search: "" })?.name).toEqual(["at most 60 characters"]);
    expect(errorsOf(SaveViewSchema, { intent: "view-save", name: "Mine", search: "?q=".padEnd(2001, "x") })?.search).toEqual(["that view is too long to save"]);
    expect(errorsOf(DeleteViewSchema, { intent: "view-delete" })?.viewId).toEqual(["which view?"]);
  });
});

describe("the session panel, the takeover claim, the queue's work and add to dataset", () => {
  it("uses the inbox's field rules for the panel's edits", () => {
    expect(errorsOf(SessionFormSchema, { intent: "label-add", label: "<b>" })?.label).toEqual(["may use letters, digits, space and . : _ -"]);
    expect(errorsOf(SessionFormSchema, { intent: "assign", assignee: "" })?.assignee).toEqual(["pick who"]);
    expect(errorsOf(SessionFormSchema, { intent: "archive" })?.confirm).toEqual(["confirm the archive"]);
    expect(errorsOf(ReadPositionSchema, { seq: "0" })?.seq).toBeTruthy();
    expect(valueOf(ReadPositionSchema, { seq: "12" })).toEqual({ seq: 12 });
    expect(errorsOf(SessionFormSchema, { intent: "read", seq: "12" })).toBeTruthy(); // the read position has its own route
  });

  it("limits a takeover's reason, and the reason box is told so", () => {
    expect(errorsOf(TakeoverIntentSchema, { intent: "claim", reason: "x".repeat(501) })?.reason).toEqual(["At most 500 characters"]);
    expect(errorsOf(TakeoverIntentSchema, { intent: "claim", reason: "x".repeat(500) })).toBeNull();
    expect(schemaConstraint(ClaimFormSchema).reason).toMatchObject({ required: false, maxLength: 500 });
  });

  it("names the queue's intent and a dataset item's fields", () => {
    expect(errorsOf(QueueWorkIntentSchema, { intent: "skip" })?.intent).toEqual(["intent must be next, review or release."]);
    expect(errorsOf(QueueWorkIntentSchema, { intent: "next", after: "r".repeat(81) })?.after).toEqual(["That rank is too long."]);
    expect(errorsOf(DatasetItemFormSchema, { sessionId: "s1", seq: "0" })?.seq).toEqual(["Which reply?"]);
    expect(errorsOf(DatasetItemFormSchema, { sessionId: "s1", seq: "3", corrected: "c".repeat(20_001) })?.corrected).toEqual(["At most 20,000 characters."]);
    expect(valueOf(DatasetItemFormSchema, { sessionId: "s1", seq: "3", corrected: "  " })).toEqual({ sessionId: "s1", seq: 3, corrected: undefined });
  });
});
