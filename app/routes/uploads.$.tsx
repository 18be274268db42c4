import type { LoaderFunctionArgs } from "@remix-run/node";
import { openAttachmentForRequest } from "~/modules/listings/attachments.server.ts";

/** RFC 6266: an ASCII fallback name plus the exact UTF-8 one. */
function contentDisposition(kind: "IMAGE" | "DOCUMENT", fileName: string) {
  if (kind === "IMAGE") return "inline";
  // Vietnamese reads well without its marks ("Hồ sơ" → "Ho so"); anything else non-ASCII becomes "_".
  const fallback = fileName
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/đ/g, "d")
    .replace(/Đ/g, "D")
    .replace(/[^\x20-\x7e]|["\\%;]/g, "_");
  const encoded = encodeURIComponent(fileName).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}

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
      "Content-Disposition": contentDisposition(file.kind, file.fileName),
      "Cache-Control": "private, max-age=3600",
      // Nothing served from here may run script, whatever a browser makes of it.
      "Content-Security-Policy": "sandbox",
    },
  });
}
