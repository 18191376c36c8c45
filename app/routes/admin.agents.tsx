// Admin: FleetLM's agents, and whether each one's webhook goes through the Console's agent gate (which pauses
// the AI while an operator holds a session, and lets operators stop a reply). Route through / undo.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { requirePermission } from "~/auth/guards.server";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { consolePublicUrl, listAgentsWithGate, routeThroughConsole, undoRouting } from "~/agent-gate/gated-agents.server";
import { clientIp } from "~/lib/client-ip.server";
import { parseForm, readForm } from "~/lib/forms.server";

export const meta: MetaFunction = () => [{ title: "Agents · FleetLM Console" }];

const AgentGateForm = z.object({
  intent: z.enum(["route", "undo"], { message: "Unknown action." }),
  agentId: z.string().min(1, "Pick an agent").max(200),
});

export async function loader({ request }: LoaderFunctionArgs) {
  await requirePermission(request, "settings:manage");
  const list = await listAgentsWithGate();
  return { list, consoleUrl: consolePublicUrl() };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const admin = await requirePermission(request, "settings:manage");
  const parsed = parseForm(AgentGateForm, await readForm(request));
  if (!parsed.ok) return parsed.response;
  const { intent, agentId } = parsed.data;
  const input = { agentId, actor: admin, ip: clientIp(context) };
  const outcome = intent === "route" ? await routeThroughConsole(input) : await undoRouting(input);
  if (!outcome.ok) return data({ ok: false as const, agentId, error: outcome.reason }, { status: outcome.status });
  throw redirect("/admin/agents");
}

export default function AdminAgents() {
  const { list, consoleUrl } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const busy = navigation.state !== "idle";
  const failure = result && "error" in result ? result : null;
  const fieldErrors = result && "errors" in result ? Object.values(result.errors).flat().join(" ") : null;

  return (
    <div className="mx-auto flex max-w-5xl flex-col gap-4">
      <div className="flex items-baseline gap-3">
        <h1 className="text-xl font-semibold">Agents</h1>
        <Link to="/admin/canned-replies" className="ml-auto text-sm text-indigo-700 underline dark:text-indigo-300">
          Canned replies
        </Link>
      </div>
      <p className="text-sm text-slate-600 dark:text-slate-400">
        Routing an agent through the Console points its webhook in FleetLM at <span className="font-mono">{consoleUrl}/gate/agents/…</span>. The Console then
        forwards every call to the real agent, except while an operator holds the session: then the AI stays silent. Undo restores the original settings.
      </p>
      {failure || fieldErrors ? (
        <p role="alert" className="rounded border border-red-300 bg-red-50 p-2 text-sm text-red-900 dark:border-red-800 dark:bg-red-950 dark:text-red-100">
          {failure ? `${failure.agentId}: ${failure.error}` : fieldErrors}
        </p>
      ) : null}
      {!list.ok ? (
        <p
          role="alert"
          data-testid="degraded"
          className="rounded border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-100"
        >
          {list.reason} The agent list is unavailable until FleetLM answers again.
        </p>
      ) : list.agents.length === 0 ? (
        <p className="text-sm text-slate-600">FleetLM has no agents.</p>
      ) : (
        <table className="w-full text-left text-sm">
          <thead className="text-xs uppercase text-slate-500">
            <tr>
              <th className="py-2">Agent</th>
              <th>Status</th>
              <th>Real webhook</th>
              <th>Through the Console</th>
              <th>
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {list.agents.map((agent) => (
              <tr key={agent.id} className="border-t border-slate-200 dark:border-slate-800" data-testid={`agent-${agent.id}`}>
                <td className="py-2">
                  <div className="font-medium">{agent.name}</div>
                  <div className="font-mono text-xs text-slate-500">{agent.id}</div>
                  {agent.unanswerable ? (
                    <p role="note" data-testid="agent-unanswerable" className="mt-1 max-w-md text-xs text-amber-800 dark:text-amber-300">
                      {agent.unanswerable}
                    </p>
                  ) : null}
                </td>
                <td>{agent.status}</td>
                <td className="break-all font-mono text-xs">{agent.realUrl}</td>
                <td>{agent.gated ? agent.drifted ? <span className="text-amber-700">Yes, but FleetLM no longer points at the gate</span> : "Yes" : "No"}</td>
                <td className="text-right">
                  <Form method="post">
                    <input type="hidden" name="agentId" value={agent.id} />
                    <button
                      name="intent"
                      value={agent.gated ? "undo" : "route"}
                      disabled={busy}
                      className="rounded border border-slate-300 px-3 py-1 text-sm disabled:opacity-50 dark:border-slate-700"
                    >
                      {agent.gated ? "Undo" : "Route through Console"}
                    </button>
                  </Form>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
