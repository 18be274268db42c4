import type { ActionFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { endSession } from "~/modules/auth/session.server.ts";

export async function action({ request }: ActionFunctionArgs) {
  return redirect("/", { headers: { "Set-Cookie": await endSession(request) } });
}

/** No state change on GET: visiting /logout just goes home. */
export function loader() {
  return redirect("/");
}
