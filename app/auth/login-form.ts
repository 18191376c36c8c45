// The sign-in form's schema, shared by the login action and the form in the browser (ADR 190).
import { z } from "zod";
import { PASSWORD_MAX } from "./password-rules";

export const LoginSchema = z.object({
  email: z.string({ message: "Enter a valid e-mail address" }).trim().toLowerCase().email("Enter a valid e-mail address").max(254),
  password: z.string({ message: "Enter your password" }).min(1, "Enter your password").max(PASSWORD_MAX, `At most ${PASSWORD_MAX} characters`),
  redirectTo: z.string().optional(),
});
