// The reply filters both review pages ask for (the queue's GET filters, a new review queue's selection): agent,
// termination, author, latency, day range, flagged. One block so the two pages name and order them the same.
import type { ReactNode } from "react";
import { controlClass } from "~/components/ui/field";

export type ReplyFilterValues = Partial<Record<"agent" | "termination" | "author" | "minLatency" | "from" | "to" | "flagged", string | number>>;

function Labelled({ label, children }: { label: string; children: ReactNode }) {
  return (
    <label className="flex flex-col text-sm">
      {label}
      {children}
    </label>
  );
}

/** The shared filter controls, each with its label; `children` come after them (a page's own filters). */
export function ReplyFilterFields({ agents, values, children }: { agents: string[]; values: ReplyFilterValues; children?: ReactNode }) {
  const control = controlClass("sm");
  const text = (name: keyof ReplyFilterValues) => (values[name] === undefined ? "" : String(values[name]));
  return (
    <>
      <Labelled label="Agent">
        <select name="agent" defaultValue={text("agent")} className={control}>
          <option value="">All agents</option>
          {agents.map((a) => (
            <option key={a} value={a}>
              {a}
            </option>
          ))}
        </select>
      </Labelled>
      <Labelled label="Termination">
        <select name="termination" defaultValue={text("termination")} className={control}>
          <option value="">Any</option>
          <option value="finish">finish</option>
          <option value="abort">abort</option>
        </select>
      </Labelled>
      <Labelled label="Written by">
        <select name="author" defaultValue={text("author")} className={control}>
          <option value="">AI or operator</option>
          <option value="ai">AI</option>
          <option value="operator">Operator</option>
        </select>
      </Labelled>
      <Labelled label="Latency above (ms)">
        <input name="minLatency" type="number" min={0} defaultValue={text("minLatency")} className={controlClass("sm", "min-w-28")} />
      </Labelled>
      <Labelled label="From">
        <input name="from" type="date" defaultValue={text("from")} className={control} />
      </Labelled>
      <Labelled label="To">
        <input name="to" type="date" defaultValue={text("to")} className={control} />
      </Labelled>
      <label className="flex items-center gap-1 self-end pb-1.5 text-sm">
        <input name="flagged" type="checkbox" value="1" defaultChecked={text("flagged") === "1"} /> Flagged only
      </label>
      {children}
    </>
  );
}
