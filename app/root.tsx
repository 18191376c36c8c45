import { useEffect } from "react";
import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Links, Meta, Outlet, Scripts, ScrollRestoration, useLoaderData, useRouteLoaderData } from "@remix-run/react";
import { AppShell } from "./components/app-shell";
import { Notifier } from "./notifications/components/notifier";
import { GeneralErrorBoundary } from "./components/error-boundary";
import { useNonce } from "./lib/nonce";
import { readTheme, type Theme } from "./lib/theme.server";
import { getAuth } from "./auth/guards.server";
import { fleetlmHealth } from "./fleetlm/health.server";
import stylesheet from "./tailwind.css?url";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: stylesheet }];
export const meta: MetaFunction = () => [{ title: "FleetLM Console" }];

// Public: the root renders the login page too. Every child route guards itself.
export async function loader({ request }: LoaderFunctionArgs) {
  const auth = await getAuth(request);
  const theme = readTheme(request);
  const fleetlm = auth ? await fleetlmHealth() : null;
  return { operator: auth?.operator ?? null, theme, fleetlm };
}

export type RootData = Awaited<ReturnType<typeof loader>>;
export const useRootData = () => useRouteLoaderData<typeof loader>("root");

function themeClass(theme: Theme) {
  return theme === "system" ? "" : theme;
}

export function Layout({ children }: { children: React.ReactNode }) {
  const nonce = useNonce();
  const data = useRouteLoaderData<typeof loader>("root");
  return (
    <html lang="en" className={themeClass(data?.theme ?? "system")}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
      </head>
      <body className="h-full bg-slate-50 text-slate-900 antialiased dark:bg-slate-950 dark:text-slate-100">
        {children}
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  );
}

export default function App() {
  const { operator, fleetlm } = useLoaderData<typeof loader>();
  // Marks the page as interactive, so browser tests (and people's scripts) know key handlers are attached.
  useEffect(() => {
    document.documentElement.dataset.hydrated = "true";
  }, []);
  if (!operator) return <Outlet />;
  return (
    <AppShell operator={operator} fleetlm={fleetlm}>
      {/* Beside the shell, not inside it: the notifier belongs to notifications/, which the shell's room may not import. */}
      <Notifier />
      <Outlet />
    </AppShell>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
