// The account page's notification form, shared by the action and the form in the browser (ADR 190).
import { z } from "zod";

const Checkbox = z
  .union([z.literal("on"), z.literal("true"), z.literal("false"), z.literal("")])
  .optional()
  .transform((value) => value === "on" || value === "true");

/** Unchecked boxes are absent, so an absent field means "off". */
export const NotificationPrefsSchema = z.object({ intent: z.literal("notifications"), mine: Checkbox, waiting: Checkbox, sound: Checkbox });
