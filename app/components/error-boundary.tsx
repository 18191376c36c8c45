import { isRouteErrorResponse, Link, useRouteError } from "@remix-run/react";

function describe(error: unknown) {
  if (isRouteErrorResponse(error)) {
    const detail = typeof error.data === "string" ? error.data : (error.data as { error?: string } | null)?.error;
    const titles: Record<number, string> = {
      400: "Bad request",
      401: "Sign in first",
      403: "Not allowed",
      404: "Not found",
      409: "Conflict",
      429: "Slow down",
      503: "FleetLM is unavailable",
    };
    return { status: error.status, title: titles[error.status] ?? `Error ${error.status}`, detail: detail ?? error.statusText };
  }
  return { status: 500, title: "Something went wrong", detail: "The Console hit an unexpected error. It has been logged." };
}

/** The one error boundary every route exports. */
export function GeneralErrorBoundary() {
  const error = useRouteError();
  const { status, title, detail } = describe(error);
  return (
    <main className="mx-auto max-w-xl p-8" role="alert">
      <p className="text-sm font-mono text-slate-600 dark:text-slate-400">{status}</p>
      <h1 className="mt-1 text-2xl font-semibold">{title}</h1>
      {detail ? <p className="mt-2 text-slate-600 dark:text-slate-300">{detail}</p> : null}
      <Link to="/inbox" className="mt-6 inline-block text-blue-600 underline dark:text-blue-400">
        Back to the inbox
      </Link>
    </main>
  );
}
