// Approximations of Elixir's `inspect/1`, used where FleetLM puts inspected terms into error strings.

export function inspect(value: unknown): string {
  if (value === null || value === undefined) return "nil";
  if (typeof value === "string") return JSON.stringify(value).replace(/#\{/g, "\\#{");
  if (typeof value === "number") return Number.isInteger(value) ? String(value) : floatString(value);
  if (typeof value === "boolean") return String(value);
  if (Array.isArray(value)) return `[${value.map(inspect).join(", ")}]`;
  if (typeof value === "object") {
    const keys = Object.keys(value as object).sort(byBytes);
    const body = keys.map((k) => `${inspect(k)} => ${inspect((value as Record<string, unknown>)[k])}`).join(", ");
    return `%{${body}}`;
  }
  return String(value);
}

function floatString(n: number): string {
  const s = String(n);
  return s.includes(".") || s.includes("e") ? s.replace("e+", "e") : `${s}.0`;
}

function byBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

/** An opaque `#Ecto.Changeset<...>` string like the one FleetLM returns for an invalid session create. */
export function inspectChangeset(changes: Record<string, unknown>, errors: Array<[string, string]>): string {
  const changeList = Object.keys(changes)
    .sort(byBytes)
    .map((k) => `${k}: ${inspect(changes[k])}`)
    .join(", ");
  const errorList = errors
    .map(([field, message]) => `${field}: {${inspect(message)}, [validation: :${message === "is invalid" ? "cast" : "required"}]}`)
    .join(", ");
  return `#Ecto.Changeset<action: :insert, changes: %{${changeList}}, errors: [${errorList}], data: #Fleetlm.Conversation.ChatSession<>, valid?: false, ...>`;
}
