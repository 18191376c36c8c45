import type { LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { requireOperator } from "~/auth/guards.server";

export async function loader({ request }: LoaderFunctionArgs) {
  await requireOperator(request);
  throw redirect("/inbox");
}
