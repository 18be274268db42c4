import type { LoaderFunctionArgs } from "@remix-run/node";
import { attachmentDisposition } from "~/lib/http.server.ts";
import { getActor } from "~/modules/auth/actor.server.ts";
import { openVerificationDocument } from "~/modules/orgs/verification.server.ts";

/** A registration document: for the organisation's members and the centre's brokers; 404 for everyone else. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const file = await openVerificationDocument(await getActor(request), params.id ?? "", params.submissionId ?? "");
  if (!file) throw new Response("Not found", { status: 404, headers: { "Content-Type": "text/plain; charset=utf-8", "X-Content-Type-Options": "nosniff" } });
  return new Response(file.body, {
    status: 200,
    headers: {
      "Content-Type": file.contentType,
      "Content-Length": String(file.byteSize),
      "X-Content-Type-Options": "nosniff",
      "Content-Disposition": attachmentDisposition(file.fileName),
      "Cache-Control": "private, no-store",
      "Content-Security-Policy": "sandbox",
    },
  });
}
