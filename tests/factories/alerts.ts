/**
 * Test helpers for e-mail: read the .eml files the mailer writes to this test
 * file's MAIL_OUTBOX_DIR, a capture SMTP server on localhost, and running
 * graphile-worker jobs once with their log kept out of console.error.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import { Logger, runOnce, type TaskList } from "graphile-worker";
import { startSession } from "../../app/modules/auth/session.server.ts";
import { getRequest } from "../setup/requests.ts";

export interface ParsedMail {
  file: string;
  headers: Record<string, string>;
  subject: string;
  to: string;
  text: string;
  html: string;
  raw: string;
}

function decodeWords(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, "?==?")
    .replace(/=\?([^?]+)\?([bBqQ])\?([^?]*)\?=/g, (_m, _charset: string, encoding: string, data: string) =>
      encoding.toUpperCase() === "B"
        ? Buffer.from(data, "base64").toString("utf8")
        : Buffer.from(decodeQpBytes(data.replace(/_/g, " "))).toString("utf8"),
    );
}

function decodeQpBytes(text: string): number[] {
  const bytes: number[] = [];
  const input = text.replace(/=\r?\n/g, "");
  for (let i = 0; i < input.length; i++) {
    if (input[i] === "=" && /^[0-9A-F]{2}$/i.test(input.slice(i + 1, i + 3))) {
      bytes.push(parseInt(input.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(...Buffer.from(input[i]!, "utf8"));
  }
  return bytes;
}

function splitHeaders(block: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of block.replace(/\r\n[ \t]+/g, " ").split(/\r\n/)) {
    const colon = line.indexOf(":");
    if (colon > 0) headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
  }
  return headers;
}

function decodeBody(body: string, encoding = "7bit"): string {
  const e = encoding.toLowerCase();
  if (e === "base64") return Buffer.from(body.replace(/\s+/g, ""), "base64").toString("utf8");
  if (e === "quoted-printable") return Buffer.from(decodeQpBytes(body)).toString("utf8");
  return body;
}

/** A raw RFC 5322 message (as nodemailer builds it) → headers and decoded text and HTML parts. */
export function parseMail(raw: string, file = ""): ParsedMail {
  const normalised = raw.replace(/\r?\n/g, "\r\n");
  const split = normalised.indexOf("\r\n\r\n");
  const headers = splitHeaders(normalised.slice(0, split));
  const body = normalised.slice(split + 4);
  let text = "";
  let html = "";
  const boundary = /boundary="?([^";]+)"?/i.exec(headers["content-type"] ?? "")?.[1];
  const parts = boundary ? body.split(`--${boundary}`).slice(1, -1) : [normalised.slice(0, split) + "\r\n\r\n" + body];
  for (const part of parts) {
    const trimmed = part.replace(/^\r\n/, "");
    const at = trimmed.indexOf("\r\n\r\n");
    const partHeaders = splitHeaders(trimmed.slice(0, at));
    const content = decodeBody(trimmed.slice(at + 4).replace(/\r\n$/, ""), partHeaders["content-transfer-encoding"]);
    if ((partHeaders["content-type"] ?? "").startsWith("text/html")) html = content;
    else if ((partHeaders["content-type"] ?? "text/plain").startsWith("text/plain")) text = content;
  }
  return { file, headers, subject: decodeWords(headers.subject ?? ""), to: decodeWords(headers.to ?? ""), text, html, raw };
}

/** Every message in this test file's outbox, oldest first. */
export function readOutbox(): ParsedMail[] {
  const dir = process.env.MAIL_OUTBOX_DIR!;
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith(".eml") && !f.startsWith("."))
    .sort()
    .map((f) => parseMail(readFileSync(path.join(dir, f), "utf8"), f));
}

/** Messages in the outbox addressed to one e-mail address. */
export const mailTo = (address: string) => readOutbox().filter((m) => m.to.includes(address));

/** A session cookie for a user, as the browser would send it back. */
export async function cookieFor(userId: string) {
  return (await startSession(userId, getRequest("/"), { clientIp: "203.0.113.9" })).split(";")[0]!;
}

/** Runs the queued jobs of the given tasks once, collecting graphile-worker's log instead of printing it. */
export async function runJobs(taskList: TaskList) {
  const log: string[] = [];
  const logger = new Logger(() => (level, message) => void log.push(`${level}: ${message}`));
  await runOnce({ connectionString: process.env.DATABASE_URL!, taskList, logger, preset: { worker: { preparedStatements: false } } } as never);
  return log;
}

/**
 * A minimal SMTP server on localhost that accepts every message and keeps it:
 * the real nodemailer SMTP client talks to it over TCP.
 */
export async function startCaptureSmtp() {
  const messages: string[] = [];
  const server = net.createServer((socket) => {
    let buffer = "";
    let inData = false;
    socket.write("220 localhost capture ESMTP\r\n");
    socket.on("data", (chunk) => {
      buffer += chunk.toString("utf8");
      for (;;) {
        if (inData) {
          const end = buffer.indexOf("\r\n.\r\n");
          if (end < 0) return;
          messages.push(buffer.slice(0, end).replace(/\r\n\.\./g, "\r\n."));
          buffer = buffer.slice(end + 5);
          inData = false;
          socket.write("250 2.0.0 queued\r\n");
          continue;
        }
        const newline = buffer.indexOf("\r\n");
        if (newline < 0) return;
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 2);
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === "EHLO" || verb === "HELO") socket.write("250-localhost\r\n250 8BITMIME\r\n");
        else if (verb === "DATA") {
          inData = true;
          socket.write("354 end with <CRLF>.<CRLF>\r\n");
        } else if (verb === "QUIT") {
          socket.end("221 bye\r\n");
          return;
        } else socket.write("250 OK\r\n");
      }
    });
    socket.on("error", () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as net.AddressInfo).port;
  return { port, messages, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** A localhost port nothing listens on. */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
