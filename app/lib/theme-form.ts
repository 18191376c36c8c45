// The app shell's theme form (ADR 190): three buttons named `theme`, one schema for the /theme action and the
// buttons the shell draws, so a theme the action refuses cannot be offered. `redirectTo` is the page the form
// was drawn on (path and query), so the switch returns there (ADR 202). Browser-safe.
import { z } from "zod";

export const THEMES = ["system", "light", "dark"] as const;

export const ThemeFormSchema = z.object({
  theme: z.enum(THEMES, { message: "Pick system, light or dark." }),
  // Judged by safeRedirect on the server (a local path or the fallback); the cap only bounds what is read.
  redirectTo: z.string().max(2048, "That page address is too long.").optional(),
});
