// The app shell's theme form (ADR 190): three buttons named `theme`, one schema for the /theme action and the
// buttons the shell draws, so a theme the action refuses cannot be offered. Browser-safe.
import { z } from "zod";

export const THEMES = ["system", "light", "dark"] as const;

export const ThemeFormSchema = z.object({ theme: z.enum(THEMES, { message: "Pick system, light or dark." }) });
