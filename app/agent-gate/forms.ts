// The admin agents page's form (ADR 190): route one agent's webhook through the Console, or undo it.
import { z } from "zod";

export const AgentGateFormSchema = z.object({
  intent: z.enum(["route", "undo"], { message: "Unknown action." }),
  agentId: z.string({ message: "Pick an agent" }).min(1, "Pick an agent").max(200),
});
