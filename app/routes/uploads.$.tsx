import type { LoaderFunctionArgs } from "@remix-run/node";
import { attachmentDisposition } from "~/lib/http.server.ts";
import { openAttachmentForRequest } from "~/modules/listings/attachments.server.ts";

const notFound = () =>
  new Response("Not found", { status: 404, headers: { "Content-Type": "text/plain; charset=utf-8", "X-Content-Type-Options": "nosniff" } });

/** Uploaded files: a published listing's for anyone, others only for those who may read the listing. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const file = await openAttachmentForRequest(request, params["*"] ?? "");
  if (!file) throw notFound();
  return new Response(file.body, {
    status: 200,
    headers: {
      "Content-Type": file.contentType,
      "Content-Length": String(file.byteSize),
      "X-Content-Type-Options": "nosniff",
      // Images are shown in the page; documents are downloaded under their own name.
      "Content-Disposition": file.kind === "IMAGE" ? "inline" : attachmentDisposition(file.fileName),
      "Cache-Control": "private, max-age=3600",
      // Nothing served from here may run script, whatever a browser makes of it.
      "Content-Security-Policy": "sandbox",
    },
  });
}
