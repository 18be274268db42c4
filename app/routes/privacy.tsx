import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { getLocale } from "~/modules/i18n/i18n.server.ts";
import { LegalPage } from "~/modules/legal/components/legal-page.tsx";
import { legalText } from "~/modules/legal/texts.server.ts";

export const meta: MetaFunction = () => [{ title: "Techex" }];

/** /privacy: the current text in the reader's language; sign-up records its version. */
export async function loader({ request }: LoaderFunctionArgs) {
  return json({ text: legalText("privacy", await getLocale(request)) });
}

export default function PrivacyPage() {
  const { text } = useLoaderData<typeof loader>();
  return <LegalPage document="privacy" text={text} />;
}
