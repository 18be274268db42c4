import type { ActionFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { z } from "zod";
import { invariantResponse, readForm } from "~/lib/http.server.ts";
import { SUPPORTED_LOCALES } from "~/modules/i18n/config.ts";
import { localeCookie } from "~/modules/i18n/i18n.server.ts";
import { redirectToField } from "~/modules/auth/schema.ts";

const schema = z.object({ locale: z.enum(SUPPORTED_LOCALES), redirectTo: redirectToField });

/** The language switcher: sets the cookie and goes back. */
export async function action({ request }: ActionFunctionArgs) {
  const parsed = schema.safeParse(Object.fromEntries(await readForm(request)));
  invariantResponse(parsed.success, "Unsupported language");
  return redirect(parsed.data.redirectTo ?? "/", {
    headers: { "Set-Cookie": await localeCookie.serialize(parsed.data.locale) },
  });
}

export function loader() {
  return redirect("/");
}
