import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { resources } from "~/modules/i18n/resources.server.ts";
import { getFixedT, i18nextFor } from "~/modules/i18n/i18n.server.ts";
import { loadMessages } from "~/modules/i18n/messages.ts";
import { dateTimeFormat, formatDate, formatMoney, formatNumber, numberFormat } from "~/modules/i18n/format.ts";

type Catalogue = { [key: string]: string | Catalogue };
const ROOT = path.resolve(import.meta.dirname, "..");

function leaves(catalogue: Catalogue, prefix = ""): string[] {
  return Object.entries(catalogue).flatMap(([k, v]) => (typeof v === "string" ? [`${prefix}${k}`] : leaves(v, `${prefix}${k}.`)));
}
/** Plural forms count as one key: vi has only _other, en has _one and _other. */
const base = (key: string) => key.replace(/_(one|other)$/, "");

function catalogueFiles(lang: "vi" | "en") {
  // Every feature keeps its catalogues in app/modules/<feature>/locales.
  const dirs = readdirSync(path.join(ROOT, "app/modules"))
    .map((m) => `app/modules/${m}/locales`)
    .filter((d) => existsSync(path.join(ROOT, d)));
  return dirs.flatMap((d) =>
    readdirSync(path.join(ROOT, d))
      .filter((f) => f === `${lang}.json` || f.endsWith(`.${lang}.json`))
      .map((f) => JSON.parse(readFileSync(path.join(ROOT, d, f), "utf8")) as Catalogue),
  );
}

function sourceFiles(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && /\.tsx?$/.test(e.name))
    .map((e) => path.join(e.parentPath, e.name));
}

describe("message catalogues", () => {
  it("have the same keys in Vietnamese and English", () => {
    const vi = new Set(leaves(resources.vi.translation as Catalogue).map(base));
    const en = new Set(leaves(resources.en.translation as Catalogue).map(base));
    expect([...vi].filter((k) => !en.has(k))).toEqual([]);
    expect([...en].filter((k) => !vi.has(k))).toEqual([]);
  });

  it("are all in each language's messages, which the browser loads one language at a time", async () => {
    for (const lang of ["vi", "en"] as const) {
      const fromFiles = catalogueFiles(lang).flatMap((file) => leaves(file)).sort();
      expect(leaves(resources[lang].translation as Catalogue).sort(), lang).toEqual(fromFiles);
      expect(await loadMessages(lang), lang).toEqual(resources[lang].translation);
    }
  });

  it("define no key in two catalogue files", () => {
    for (const lang of ["vi", "en"] as const) {
      const seen = new Map<string, number>();
      for (const file of catalogueFiles(lang)) for (const key of leaves(file)) seen.set(key, (seen.get(key) ?? 0) + 1);
      expect([...seen].filter(([, n]) => n > 1).map(([k]) => k), lang).toEqual([]);
    }
  });

  it("contain every literal key the UI asks for", () => {
    const known = new Set(leaves(resources.en.translation as Catalogue).map(base));
    const missing = new Set<string>();
    for (const file of sourceFiles("app")) {
      const text = readFileSync(file, "utf8");
      for (const match of text.matchAll(/\bt\(\s*"([a-zA-Z][\w.]*)"/g)) if (!known.has(match[1]!)) missing.add(`${match[1]} (${path.relative(ROOT, file)})`);
      // Schema messages are keys too.
      for (const match of text.matchAll(/"(errors\.[a-zA-Z]+)"/g)) if (!known.has(match[1]!)) missing.add(`${match[1]} (${path.relative(ROOT, file)})`);
    }
    expect([...missing]).toEqual([]);
  });

  it("keep Vietnamese text in NFC", () => {
    for (const key of leaves(resources.vi.translation as Catalogue)) {
      const value = key.split(".").reduce<Catalogue | string>((c, k) => (c as Catalogue)[k]!, resources.vi.translation as Catalogue) as string;
      expect(value, key).toBe(value.normalize("NFC"));
    }
  });
});

describe("formatting through Intl", () => {
  it("writes money as Vietnamese readers expect", () => {
    expect(formatMoney(1_250_000_000, "VND", "vi").replace(/\s/g, " ")).toBe("1.250.000.000 ₫");
    expect(formatMoney(45_000, "USD", "en")).toBe("US$45,000");
  });
  it("shows dates in Vietnam's time zone", () => {
    // 18:30 UTC on 31 Dec is already 1 January in Hanoi.
    expect(formatDate("2026-12-31T18:30:00Z", "vi")).toBe("1 thg 1, 2027");
  });
  it("writes the same text as a fresh Intl formatter, every time", () => {
    const when = new Date("2026-07-04T23:15:00Z");
    for (let round = 0; round < 2; round++) {
      expect(formatMoney(1_250_000_000, "VND", "vi")).toBe(new Intl.NumberFormat("vi-VN", { style: "currency", currency: "VND", maximumFractionDigits: 0 }).format(1_250_000_000));
      expect(formatNumber(1234.5678, "en")).toBe(new Intl.NumberFormat("en-GB").format(1234.5678));
      expect(formatNumber(1234.5678, "vi")).toBe(new Intl.NumberFormat("vi-VN").format(1234.5678));
      expect(formatDate(when, "en", "long")).toBe(new Intl.DateTimeFormat("en-GB", { dateStyle: "long", timeZone: "Asia/Ho_Chi_Minh" }).format(when));
      expect(formatDate(when, "vi")).toBe(new Intl.DateTimeFormat("vi-VN", { dateStyle: "medium", timeZone: "Asia/Ho_Chi_Minh" }).format(when));
    }
  });
  it("builds one formatter per locale and options, and reuses it", () => {
    expect(numberFormat("vi", { style: "percent" })).toBe(numberFormat("vi", { style: "percent" }));
    expect(numberFormat("vi", { style: "percent" })).not.toBe(numberFormat("en", { style: "percent" }));
    expect(numberFormat("vi", { style: "percent" })).not.toBe(numberFormat("vi"));
    const options = { dateStyle: "short", timeZone: "UTC" } as const;
    expect(dateTimeFormat("en", options)).toBe(dateTimeFormat("en", { ...options }));
    expect(dateTimeFormat("en", options)).not.toBe(dateTimeFormat("en", { ...options, timeZone: "Asia/Ho_Chi_Minh" }));
  });
});

describe("i18next on the server", () => {
  it("is one instance per language, shared by every request in it", async () => {
    expect(i18nextFor("vi")).toBe(i18nextFor("vi"));
    expect(i18nextFor("en")).not.toBe(i18nextFor("vi"));
    expect(i18nextFor("en").language).toBe("en");
    expect(i18nextFor("vi").language).toBe("vi");
  });
  it("answers each request in its own language, whatever the other requests asked", async () => {
    const asking = (lng: string) => new Request("http://techex.test/", { headers: { "Accept-Language": lng } });
    const [en, vi, enAgain] = await Promise.all([getFixedT(asking("en-GB,en")), getFixedT(asking("vi-VN,vi")), getFixedT(asking("en"))]);
    expect(en("nav.login")).toBe("Log in");
    expect(vi("nav.login")).toBe("Đăng nhập");
    expect(enAgain("nav.login")).toBe("Log in");
    expect(en("nav.login")).not.toBe(vi("nav.login"));
    expect(i18nextFor("vi").language).toBe("vi");
  });
});
