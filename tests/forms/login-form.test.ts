// The sign-in form's schema: its limits, and the limits the browser gets as input attributes.
import { schemaConstraint as getZodConstraint } from "~/lib/forms";
import { describe, expect, it } from "vitest";
import { LoginSchema } from "~/auth/login-form";
import { errorsOf, valueOf } from "./support";

describe("sign-in form", () => {
  it("lower-cases and trims the e-mail; keeps the password exactly as typed", () => {
    expect(valueOf(LoginSchema, { email: " Ada@Example.TEST ", password: " pass word ", redirectTo: "/inbox" })).toEqual({
      email: "ada@example.test",
      password: " pass word ",
      redirectTo: "/inbox",
    });
  });

  it.each([
    [{ email: "not-an-email", password: "x" }, "email", "Enter a valid e-mail address"],
    [{ password: "x" }, "email", "Enter a valid e-mail address"],
    [{ email: "a@example.test", password: "" }, "password", "Enter your password"],
    [{ email: "a@example.test" }, "password", "Enter your password"],
    [{ email: "a@example.test", password: "p".repeat(257) }, "password", "At most 256 characters"],
  ])("refuses %o: %s says %s", (fields, field, message) => {
    expect(errorsOf(LoginSchema, fields)?.[field]).toEqual([message]);
  });

  it("takes a 256-character password, and tells the browser the limits", () => {
    expect(errorsOf(LoginSchema, { email: "a@example.test", password: "p".repeat(256) })).toBeNull();
    const constraint = getZodConstraint(LoginSchema);
    expect(constraint.email).toMatchObject({ required: true, maxLength: 254 });
    expect(constraint.password).toMatchObject({ required: true, minLength: 1, maxLength: 256 });
    expect(constraint.redirectTo?.required).toBeFalsy();
  });
});
