import { honeypot } from "../../app/modules/auth/honeypot.server.ts";

let ipCounter = 0;
/** A client address no other test uses, so per-IP limits don't leak between tests. */
export const freshIp = () => `198.51.100.${(++ipCounter % 250) + 1}:${process.pid}`;

/** A form POST as a browser would send it, with the honeypot fields a real page renders. */
export async function formRequest(
  url: string,
  fields: Record<string, string>,
  options: { cookie?: string; withHoneypot?: boolean } = {},
): Promise<Request> {
  const body = new URLSearchParams(fields);
  if (options.withHoneypot !== false) {
    const props = await honeypot().getInputProps();
    body.set(props.nameFieldName, "");
    if (props.validFromFieldName && props.encryptedValidFrom) body.set(props.validFromFieldName, props.encryptedValidFrom);
  }
  const headers = new Headers({ "Content-Type": "application/x-www-form-urlencoded" });
  if (options.cookie) headers.set("Cookie", options.cookie);
  return new Request(`http://localhost${url}`, { method: "POST", body, headers });
}

export function getRequest(url: string, cookie?: string): Request {
  return new Request(`http://localhost${url}`, { headers: cookie ? { Cookie: cookie } : {} });
}

/** The name=value part of a Set-Cookie header, to send back. */
export function cookieFrom(response: Response): string {
  const header = response.headers.get("Set-Cookie");
  if (!header) throw new Error("response set no cookie");
  return header.split(";")[0]!;
}

/** Calls a route action or loader with the load context the server provides. */
export function call<T>(
  fn: (args: { request: Request; params: Record<string, string>; context: { clientIp: string } }) => T,
  request: Request,
  options: { params?: Record<string, string>; clientIp?: string } = {},
): T {
  return fn({ request, params: options.params ?? {}, context: { clientIp: options.clientIp ?? freshIp() } });
}

/** Runs a loader/action that may throw a Response, and returns the Response either way. */
export async function settle(work: Promise<unknown> | unknown): Promise<Response> {
  try {
    const result = await work;
    if (result instanceof Response) return result;
    throw new Error(`expected a Response, got ${typeof result}`);
  } catch (thrown) {
    if (thrown instanceof Response) return thrown;
    throw thrown;
  }
}
