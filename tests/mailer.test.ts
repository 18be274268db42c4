import nodemailer from "nodemailer";
import { afterEach, describe, expect, it } from "vitest";
import { mailOutboxDir, overrideMailTransport, sendMail } from "~/lib/mailer.server.ts";
import { closedPort, parseMail, readOutbox, startCaptureSmtp } from "./factories/alerts.ts";

afterEach(() => overrideMailTransport(null));

describe("the mailer", () => {
  it("without SMTP_URL writes each message as an .eml file, named in sending order, into MAIL_OUTBOX_DIR", async () => {
    expect(mailOutboxDir()).toBe(process.env.MAIL_OUTBOX_DIR);
    const first = await sendMail({ to: "an@example.test", subject: "Thử nghiệm thứ nhất", text: "Xin chào đường phố", html: "<p>Xin chào <b>đường</b></p>" });
    const second = await sendMail({ to: "binh@example.test", subject: "Second", text: "plain" });
    expect(first.file).toMatch(/\/\d{8}T\d{9}Z-[0-9a-f]{12}\.eml$/);
    const mails = readOutbox();
    expect(mails.map((m) => m.to)).toEqual(["an@example.test", "binh@example.test"]);
    expect(second.file! > first.file!).toBe(true);
    const [mail] = mails;
    expect(mail!.subject).toBe("Thử nghiệm thứ nhất");
    expect(mail!.headers.from).toContain("no-reply@techex.local");
    expect(mail!.text).toBe("Xin chào đường phố");
    expect(mail!.html).toBe("<p>Xin chào <b>đường</b></p>");
    expect(mail!.headers["message-id"]).toBe(first.messageId);
  });

  it("with an SMTP transport delivers over SMTP and writes no file", async () => {
    const smtp = await startCaptureSmtp();
    try {
      overrideMailTransport(nodemailer.createTransport({ host: "127.0.0.1", port: smtp.port, secure: false, ignoreTLS: true }));
      const before = readOutbox().length;
      await sendMail({ to: "chi@example.test", subject: "Qua SMTP", text: "nội dung" });
      expect(smtp.messages).toHaveLength(1);
      const mail = parseMail(smtp.messages[0]!);
      expect(mail.subject).toBe("Qua SMTP");
      expect(mail.text).toBe("nội dung");
      expect(readOutbox()).toHaveLength(before);
    } finally {
      await smtp.close();
    }
  });

  it("throws when the SMTP server cannot be reached, so the job that called it is retried", async () => {
    overrideMailTransport(nodemailer.createTransport({ host: "127.0.0.1", port: await closedPort(), connectionTimeout: 2_000 }));
    await expect(sendMail({ to: "dung@example.test", subject: "x", text: "y" })).rejects.toThrow(/ECONNREFUSED/);
  });
});
