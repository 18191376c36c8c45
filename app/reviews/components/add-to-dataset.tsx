// "Add to dataset": a reviewed reply, with an optional corrected answer, into a named dataset (fetch(), JSON).
import { useState } from "react";
import { buttonClass } from "~/components/ui/button";
import { controlClass } from "~/components/ui/field";
import { firstErrorOf } from "~/lib/forms";

export type DatasetOption = { id: string; name: string };

export function AddToDataset({ sessionId, seq, datasets }: { sessionId: string; seq: number; datasets: DatasetOption[] }) {
  const [datasetId, setDatasetId] = useState(datasets[0]?.id ?? "");
  const [corrected, setCorrected] = useState("");
  const [state, setState] = useState<{ status: "idle" | "saving" | "saved" | "error"; message?: string }>({ status: "idle" });
  if (datasets.length === 0) return null;
  const add = async () => {
    setState({ status: "saving" });
    const res = await fetch(`/reviews/datasets/${encodeURIComponent(datasetId)}/items`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
      body: new URLSearchParams({ sessionId, seq: String(seq), corrected }),
    });
    // A refusal is conform's reply (errors by field, the form's own under "").
    const json = (await res.json().catch(() => null)) as { ok?: boolean } | null;
    if (json?.ok) setState({ status: "saved", message: `Added to ${datasets.find((d) => d.id === datasetId)?.name}.` });
    else setState({ status: "error", message: firstErrorOf(json) ?? `The Console answered ${res.status}.` });
  };
  const input = controlClass("inline");
  return (
    <details className="text-sm" data-testid="add-to-dataset">
      <summary className="cursor-pointer text-slate-600 dark:text-slate-300">Add to dataset</summary>
      <div className="mt-1 space-y-1">
        <select value={datasetId} onChange={(e) => setDatasetId(e.target.value)} aria-label="Dataset" className={input}>
          {datasets.map((d) => (
            <option key={d.id} value={d.id}>
              {d.name}
            </option>
          ))}
        </select>
        <textarea
          value={corrected}
          onChange={(e) => setCorrected(e.target.value)}
          rows={3}
          aria-label="Corrected answer"
          placeholder="Corrected answer (optional: the reply as it should have been)"
          className={`block w-full ${input}`}
        />
        <div className="flex items-center gap-2">
          <button type="button" onClick={() => void add()} disabled={state.status === "saving"} className={buttonClass({ variant: "secondary" })}>
            Add
          </button>
          {state.message ? (
            <span
              role={state.status === "error" ? "alert" : "status"}
              className={state.status === "error" ? "text-red-600" : "text-green-700 dark:text-green-400"}
            >
              {state.message}
            </span>
          ) : null}
        </div>
      </div>
    </details>
  );
}
