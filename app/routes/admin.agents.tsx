// Admin: FleetLM's agents, and whether each one's webhook goes through the Console's agent gate (which pauses
// the AI while an operator holds a session, and lets operators stop a reply). Route through / undo.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { requirePermission } from "~/auth/guards.server";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { Button } from "~/components/ui/button";
import { Table, TableHead, Td, Tr } from "~/components/ui/table";
import { consolePublicUrl, listAgentsWithGate, routeThroughConsole, undoRouting } from "~/agent-gate/gated-agents.server";
import { clientIp } from "~/lib/client-ip.server";
import { AgentGateFormSchema } from "~/agent-gate/forms";
import { formErrorsOf, parseSubmission } from "~/lib/forms";
import { readForm, rejected } from "~/lib/forms.server";

export const meta: MetaFunction = () => [{ title: "Agents · FleetLM Console" }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requirePermission(request, "settings:manage");
  const list = await listAgentsWithGate();
  return { list, consoleUrl: consolePublicUrl() };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const admin = await requirePermission(request, "settings:manage");
  const submission = parseSubmission(await readForm(request), AgentGateFormSchema);
  if (submission.status !== "success") return rejected(submission);
  const { intent, agentId } = submission.value;
  const input = { agentId, actor: admin, ip: clientIp(context) };
  const outcome = intent === "route" ? await routeThroughConsole(input) : await undoRouting(input);
  if (!outcome.ok) return rejected(submission, { status: outcome.status, formErrors: [`${agentId}: ${outcome.reason}`] });
  throw redirect("/admin/agents");
}

export default function AdminAgents() {
  const { list, consoleUrl } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const busy = navigation.state !== "idle";
  // One agent's refusal (FleetLM said no) or a malformed form: said once, above the list.
  const failure = formErrorsOf(result) ?? Object.values(result?.error ?? {}).flat();

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
      {failure.length ? (
        <p role="alert" className="rounded border border-red-300 bg-red-50 p-2 text-sm text-red-900 dark:border-red-800 dark:bg-red-950 dark:text-red-100">
          {failure.join(" ")}
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
        <Table caption="Agents">
          <TableHead columns={["Agent", "Status", "Real webhook", "Through the Console", ""]} />
          <tbody>
            {list.agents.map((agent) => (
              <Tr key={agent.id} data-testid={`agent-${agent.id}`}>
                <Td className="py-2">
                  <div className="font-medium">{agent.name}</div>
                  <div className="font-mono text-xs text-slate-600 dark:text-slate-400">{agent.id}</div>
                  {agent.unanswerable ? (
                    <p role="note" data-testid="agent-unanswerable" className="mt-1 max-w-md text-xs text-amber-800 dark:text-amber-300">
                      {agent.unanswerable}
                    </p>
                  ) : null}
                </Td>
                <Td className="py-2">{agent.status}</Td>
                <Td className="break-all py-2 font-mono text-xs">{agent.realUrl}</Td>
                <Td className="py-2">
                  {agent.gated ? (
                    agent.drifted ? (
                      <span className="text-amber-700 dark:text-amber-300">Yes, but FleetLM no longer points at the gate</span>
                    ) : (
                      "Yes"
                    )
                  ) : (
                    "No"
                  )}
                </Td>
                <Td className="py-2 text-right">
                  <Form method="post">
                    <input type="hidden" name="agentId" value={agent.id} />
                    <Button name="intent" value={agent.gated ? "undo" : "route"} variant="secondary" disabled={busy}>
                      {agent.gated ? "Undo" : "Route through Console"}
                    </Button>
                  </Form>
                </Td>
              </Tr>
            ))}
          </tbody>
        </Table>
      )}
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
