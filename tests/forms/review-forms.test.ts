// The review pages' form schemas (ADR 190): scores, datasets, adjudication and the agent quality range —
// their limits, their messages and the input attributes the browser is given.
import { describe, expect, it } from "vitest";
import { schemaConstraint } from "~/lib/forms";
import { AdjudicationSchema } from "~/reviews/agreement/adjudication-form";
import { DatasetFormSchema } from "~/reviews/datasets/dataset-forms";
import { AgentRangeFormSchema } from "~/reviews/quality-range-form";
import { RetireScoreFormSchema, SaveScoreFormSchema, ScoreIntentSchema } from "~/reviews/scores/score-forms";
import { errorsOf, valueOf } from "./support";

const numeric = { intent: "create", key: "helpful", label: "Helpfulness", kind: "numeric", min: "1", max: "5", step: "1", required: "on" };

describe("score definition", () => {
  it("reads numbers, the options list and the checkbox as a browser sends them", () => {
    expect(valueOf(SaveScoreFormSchema, numeric)).toMatchObject({ key: "helpful", min: 1, max: 5, step: 1, required: true, description: "" });
    expect(valueOf(SaveScoreFormSchema, { ...numeric, required: undefined }).required).toBe(false);
    const tone = valueOf(SaveScoreFormSchema, { ...numeric, kind: "categorical", options: "polite\ncurt\npolite\n" });
    expect(tone.options).toEqual(["polite", "curt"]);
  });

  it.each([
    [{ key: "Bad Key" }, "key", "Lower-case letters, digits and _, starting with a letter (at most 40)."],
    [{ key: "k".repeat(41) }, "key", "At most 40 characters."],
    [{ key: undefined }, "key", "Give the score a key."],
    [{ label: " " }, "label", "Give the score a label."],
    [{ label: "l".repeat(61) }, "label", "At most 60 characters."],
    [{ description: "d".repeat(501) }, "description", "At most 500 characters."],
    [{ rubric: "r".repeat(4001) }, "rubric", "At most 4,000 characters."],
    [{ kind: "stars" }, "kind", "Pick numeric, categorical or boolean."],
    [{ min: "5", max: "1" }, "max", "The maximum must be above the minimum."],
    [{ max: "" }, "max", "A numeric score needs a maximum."],
    [{ step: "0" }, "step", "The step must be above 0."],
    [{ step: "9" }, "step", "The step is larger than the range."],
    [{ kind: "categorical", options: "only" }, "options", "A categorical score needs at least two options."],
    [{ kind: "categorical", options: "a\n" + "o".repeat(41) }, "options", "Options are at most 40 characters."],
    [{ intent: "rename" }, "intent", undefined],
  ])("refuses %o on %s", (fields, field, message) => {
    const errors = errorsOf(SaveScoreFormSchema, { ...numeric, ...fields });
    expect(errors?.[field]).toBeDefined();
    if (message) expect(errors?.[field]).toContain(message);
  });

  it("takes the limits themselves and tells the browser them", () => {
    expect(
      errorsOf(SaveScoreFormSchema, { ...numeric, key: "k".repeat(40), label: "l".repeat(60), description: "d".repeat(500), rubric: "r".repeat(4000) }),
    ).toBeNull();
    const constraint = schemaConstraint(SaveScoreFormSchema);
    expect(constraint.key).toMatchObject({ required: true, maxLength: 40 });
    expect(constraint.label).toMatchObject({ required: true, minLength: 1, maxLength: 60 });
    expect(constraint.description).toMatchObject({ maxLength: 500 });
    expect(constraint.description?.required).toBeFalsy();
    expect(constraint.rubric).toMatchObject({ maxLength: 4000 });
    expect(constraint.required?.required).toBeFalsy();
    expect(constraint.min?.required).toBeFalsy();
  });

  it("retire names a key; the page knows three intents", () => {
    expect(errorsOf(RetireScoreFormSchema, { intent: "retire", key: "helpful" })).toBeNull();
    expect(errorsOf(RetireScoreFormSchema, { intent: "retire", key: "" })?.key).toBeDefined();
    expect(errorsOf(ScoreIntentSchema, { intent: "purge" })?.intent).toEqual(["Unknown action."]);
  });
});

describe("new dataset", () => {
  it("trims the name and defaults the description", () => {
    expect(valueOf(DatasetFormSchema, { name: "  Golden set " })).toEqual({ name: "Golden set", description: "" });
  });

  it("refuses an empty or long name and a long description, and takes the limits", () => {
    expect(errorsOf(DatasetFormSchema, { name: "  " })?.name).toEqual(["Name the dataset."]);
    expect(errorsOf(DatasetFormSchema, {})?.name).toEqual(["Name the dataset."]);
    expect(errorsOf(DatasetFormSchema, { name: "n".repeat(81) })?.name).toEqual(["At most 80 characters."]);
    expect(errorsOf(DatasetFormSchema, { name: "n", description: "d".repeat(501) })?.description).toEqual(["At most 500 characters."]);
    expect(errorsOf(DatasetFormSchema, { name: "n".repeat(80), description: "d".repeat(500) })).toBeNull();
    const constraint = schemaConstraint(DatasetFormSchema);
    expect(constraint.name).toMatchObject({ required: true, minLength: 1, maxLength: 80 });
    expect(constraint.description).toMatchObject({ maxLength: 500 });
    expect(constraint.description?.required).toBeFalsy();
  });
});

describe("adjudication", () => {
  const decision = { sessionId: "s1", seq: "4", key: "helpful", value: "3", note: "" };

  it("reads the reply's seq as a number", () => {
    expect(valueOf(AdjudicationSchema, decision)).toEqual({ ...decision, seq: 4 });
  });

  it.each([
    [{ value: " " }, "value", "Pick the final value."],
    [{ value: "v".repeat(101) }, "value", "At most 100 characters."],
    [{ note: "n".repeat(1001) }, "note", "At most 1,000 characters."],
    [{ seq: "0" }, "seq", "Which reply?"],
    [{ seq: "x" }, "seq", "Which reply?"],
    [{ key: "" }, "key", "Which score?"],
    [{ sessionId: undefined }, "sessionId", "Which reply?"],
  ])("refuses %o on %s", (fields, field, message) => {
    expect(errorsOf(AdjudicationSchema, { ...decision, ...fields })?.[field]).toContain(message);
  });

  it("takes 100 and 1,000 characters and tells the browser", () => {
    expect(errorsOf(AdjudicationSchema, { ...decision, value: "v".repeat(100), note: "n".repeat(1000) })).toBeNull();
    const constraint = schemaConstraint(AdjudicationSchema);
    expect(constraint.value).toMatchObject({ required: true, minLength: 1, maxLength: 100 });
    expect(constraint.note).toMatchObject({ maxLength: 1000 });
    expect(constraint.note?.required).toBeFalsy();
  });
});

describe("agent quality range", () => {
  const range = { agentSwitch: "demo-agent", from: "2026-11-01", to: "2026-11-30" };

  it("takes a range of whole days, one day too", () => {
    expect(valueOf(AgentRangeFormSchema, range)).toEqual(range);
    expect(errorsOf(AgentRangeFormSchema, { ...range, to: range.from })).toBeNull();
  });

  it("refuses a reversed range on the last day, and days that are not days", () => {
    expect(errorsOf(AgentRangeFormSchema, { ...range, from: "2026-12-01" })?.to).toEqual(["The last day comes on or after the first."]);
    expect(errorsOf(AgentRangeFormSchema, { ...range, from: "2026-02-30" })?.from).toEqual(["Pick the first day (YYYY-MM-DD)."]);
    expect(errorsOf(AgentRangeFormSchema, { ...range, to: "" })?.to).toEqual(["Pick the last day (YYYY-MM-DD)."]);
    expect(errorsOf(AgentRangeFormSchema, { ...range, agentSwitch: "a".repeat(201) })?.agentSwitch).toEqual(["At most 200 characters."]);
    expect(schemaConstraint(AgentRangeFormSchema).agentSwitch).toMatchObject({ required: true, maxLength: 200 });
  });
});
