import { json, MaxPartSizeExceededError, unstable_parseMultipartFormData, type UploadHandler } from "@remix-run/node";
import { withoutControls } from "./text.ts";

/**
 * Not-found and forbidden are thrown Responses, caught by the shared error boundary
 * (the Epic Stack's invariantResponse).
 */
export function invariantResponse(
  condition: unknown,
  message: string,
  init: ResponseInit = { status: 400 },
): asserts condition {
  if (!condition) throw json({ message }, init);
}

export const notFound = (message = "Not found") => json({ message }, { status: 404 });
export const forbidden = (message = "Forbidden") => json({ message }, { status: 403 });

const FORM_TYPES = new Set(["application/x-www-form-urlencoded", "multipart/form-data"]);

/**
 * A form post's fields, for every action: a JSON body, any other content type, or a
 * multipart body without a boundary is a 415, a body that does not parse a 400 (thrown
 * Responses, which the error boundary shows), never the 500 `request.formData()` throws.
 * An empty body without a type is an empty form (the action's own validation answers it).
 * Control characters are taken out of every text value, so no field carries a NUL into
 * the database (tests/bad-input.test.ts sends them to every action).
 */
export async function readForm(request: Request): Promise<FormData> {
  const contentType = request.headers.get("Content-Type") ?? "";
  const type = contentType.split(";")[0]!.trim().toLowerCase();
  if (type === "") {
    if ((await request.text()) === "") return new FormData();
    throw json({ message: "Send the form as application/x-www-form-urlencoded or multipart/form-data." }, { status: 415 });
  }
  if (!FORM_TYPES.has(type)) throw json({ message: `A form was expected, not ${type.slice(0, 60)}.` }, { status: 415 });
  if (type === "multipart/form-data" && !/;\s*boundary=/i.test(contentType)) throw json({ message: "The multipart form has no boundary." }, { status: 400 });
  let form: FormData;
  try {
    form = await request.formData();
  } catch {
    throw json({ message: "The form could not be read." }, { status: 400 });
  }
  return withoutControlCharacters(form);
}

/** The same form with control characters taken out of its names and text values (files as they are). */
export function withoutControlCharacters(form: FormData): FormData {
  const clean = new FormData();
  for (const [name, value] of form) clean.append(withoutControls(name), typeof value === "string" ? withoutControls(value) : value);
  return clean;
}

/**
 * readForm for an upload form read through a part handler: a body that is not multipart
 * is a 415, a broken one a 400. MaxPartSizeExceededError still reaches the caller, which
 * says how large a file may be.
 */
export async function readMultipartForm(request: Request, uploadHandler: UploadHandler): Promise<FormData> {
  const contentType = request.headers.get("Content-Type") ?? "";
  if (contentType.split(";")[0]!.trim().toLowerCase() !== "multipart/form-data") throw json({ message: "Send the file as multipart/form-data." }, { status: 415 });
  if (!/;\s*boundary=/i.test(contentType)) throw json({ message: "The multipart form has no boundary." }, { status: 400 });
  try {
    return withoutControlCharacters(await unstable_parseMultipartFormData(request, uploadHandler));
  } catch (error) {
    if (error instanceof MaxPartSizeExceededError) throw error;
    throw json({ message: "The form could not be read." }, { status: 400 });
  }
}

/**
 * RFC 6266 `Content-Disposition: attachment`: an ASCII fallback name plus the exact UTF-8 one.
 * Vietnamese reads well without its marks ("Hồ sơ" → "Ho so"); anything else non-ASCII becomes "_".
 */
export function attachmentDisposition(fileName: string) {
  const fallback = fileName
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/đ/g, "d")
    .replace(/Đ/g, "D")
    .replace(/[^\x20-\x7e]|["\\%;]/g, "_");
  const encoded = encodeURIComponent(fileName).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}
