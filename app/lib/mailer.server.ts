import { randomBytes } from "node:crypto";
import { mkdir, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import nodemailer, { type SendMailOptions, type Transporter } from "nodemailer";
import { env } from "./env.server.ts";
import { logger } from "./logger.server.ts";
import { metrics } from "./metrics.server.ts";
import { singleton } from "./singleton.server.ts";

/**
 * The process's mailer (nodemailer). With SMTP_URL it sends through that SMTP
 * server. Without it, every message is built by nodemailer's stream transport
 * (the exact bytes an SMTP server would receive) and written as one .eml file
 * into MAIL_OUTBOX_DIR (default DATA_DIR/mail-outbox), where a person can open
 * it in a mail program and the tests read it.
 *
 * File names sort by time of sending: `20261122T040000123Z-<random>.eml`. Each
 * file is written under a temporary name and renamed, so a reader never sees
 * half a message.
 */
export type MailMode = "smtp" | "outbox";

interface Mailer {
  mode: MailMode;
  transport: Transporter;
}

function createMailer(): Mailer {
  const { SMTP_URL } = env();
  if (SMTP_URL) return { mode: "smtp", transport: nodemailer.createTransport(SMTP_URL) };
  return { mode: "outbox", transport: nodemailer.createTransport({ streamTransport: true, buffer: true, newline: "windows" }) };
}

function store() {
  return globalThis as unknown as { __techexMailOverride?: Mailer | null };
}

function mailer(): Mailer {
  return store().__techexMailOverride ?? singleton("mailer", createMailer);
}

/**
 * Replaces the transport (tests: an SMTP server on a closed port, or a local
 * capture server); `null` goes back to the configured one.
 */
export function overrideMailTransport(transport: Transporter | null, mode: MailMode = "smtp") {
  store().__techexMailOverride = transport ? { mode, transport } : null;
}

/** Where outbox mode writes .eml files. */
export function mailOutboxDir(): string {
  const { MAIL_OUTBOX_DIR, DATA_DIR } = env();
  return path.resolve(MAIL_OUTBOX_DIR ?? path.join(DATA_DIR, "mail-outbox"));
}

/** A name that sorts by sending time and never collides. */
function outboxFileName(now = new Date()) {
  const stamp = now.toISOString().replace(/[-:]/g, "").replace(".", "");
  return `${stamp}-${randomBytes(6).toString("hex")}.eml`;
}

export interface SentMail {
  messageId: string;
  /** The .eml file in outbox mode. */
  file?: string;
}

/**
 * Sends one message from MAIL_FROM. Throws when the transport fails (SMTP
 * refused, folder not writable), so the calling job is retried. Counted as
 * sent or failed in /metrics.
 */
export async function sendMail(message: Omit<SendMailOptions, "from"> & { from?: string }): Promise<SentMail> {
  const { mode } = mailer();
  try {
    const sent = await deliver(message);
    metrics().emailsSent.inc({ transport: mode });
    return sent;
  } catch (error) {
    metrics().emailsFailed.inc({ transport: mode });
    throw error;
  }
}

async function deliver(message: Omit<SendMailOptions, "from"> & { from?: string }): Promise<SentMail> {
  const { mode, transport } = mailer();
  const info = await transport.sendMail({ from: env().MAIL_FROM, ...message });
  if (mode === "smtp") {
    logger.info("mail sent", { messageId: info.messageId, to: String(message.to) });
    return { messageId: info.messageId };
  }
  const dir = mailOutboxDir();
  await mkdir(dir, { recursive: true });
  const name = outboxFileName();
  const temporary = path.join(dir, `.${name}.tmp`);
  await writeFile(temporary, info.message as Buffer);
  const file = path.join(dir, name);
  await rename(temporary, file);
  logger.info("mail written to outbox", { messageId: info.messageId, file });
  return { messageId: info.messageId, file };
}
