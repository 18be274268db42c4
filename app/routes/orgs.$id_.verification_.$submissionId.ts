import type { LoaderFunctionArgs } from "@remix-run/node";
import { getActor } from "~/modules/auth/actor.server.ts";
import { openVerificationDocument } from "~/modules/orgs/verification.server.ts";

/** RFC 6266: an ASCII fallback name plus the exact UTF-8 one. */
function contentDisposition(fileName: string) {
  const fallback = fileName
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/đ/g, "d")
    .replace(/Đ/g, "D")
    .replace(/[^\x20-\x7e]|["\\%;]/g, "_");
  const encoded = encodeURIComponent(fileName).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}

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
      "Content-Disposition": contentDisposition(file.fileName),
      "Cache-Control": "private, no-store",
      "Content-Security-Policy": "sandbox",
    },
  });
}
