import type { LoaderFunctionArgs } from "@remix-run/node";
import { GeneralErrorBoundary } from "~/components/error-boundary";

// Unknown URLs answer a real 404 (public, so it reveals nothing but "not found").
export async function loader(_args: LoaderFunctionArgs) {
  throw new Response("There is no page at this address.", { status: 404 });
}

export async function action(_args: LoaderFunctionArgs) {
  throw new Response("There is no page at this address.", { status: 404 });
}

export default function NotFound() {
  return null;
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
