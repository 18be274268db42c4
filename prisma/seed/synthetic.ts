/**
 * Synthetic listings for benchmarks: N plausible, varied rows built from a
 * vocabulary (not the demo catalogue), reproducible from a seed, inserted in
 * batches. Each row's externalRef is SYN-<seed>-<n>, so a run can be told apart.
 */
import type { Prisma } from "../../app/generated/prisma/client.ts";
import { prisma } from "../../app/lib/db.server.ts";
import { analyzeCatalogueTables, refreshCatalogueCounts } from "../../app/modules/listings/catalogue-counts.server.ts";

/** mulberry32: a small, fast, seedable PRNG. */
export function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const VI = {
  subjects: ["máy sấy", "dây chuyền chế biến", "hệ thống xử lý nước thải", "công nghệ lên men", "thiết bị đo", "máy CNC", "lò hơi sinh khối", "hệ thống tưới", "chế phẩm sinh học", "phần mềm quản lý", "cảm biến IoT", "vật liệu composite", "công nghệ chiết xuất", "kho lạnh", "máy ép viên", "hệ thống điện mặt trời", "máy phân loại", "bê tông nhẹ", "màng lọc", "robot hàn"],
  objects: ["trái cây", "cà phê", "hạt điều", "thủy sản", "tôm", "gạo", "chè", "dược liệu", "cao su", "gỗ", "rau", "sữa", "nước mắm", "ca cao", "tiêu", "mía đường", "thức ăn chăn nuôi", "phân bón hữu cơ", "dệt nhuộm", "linh kiện cơ khí"],
  qualifiers: ["tiết kiệm năng lượng", "quy mô vừa và nhỏ", "đạt chuẩn xuất khẩu", "tự động hóa", "công suất lớn", "chi phí thấp", "thân thiện môi trường", "theo tiêu chuẩn TCVN", "điều khiển từ xa", "năng suất cao"],
  verbs: ["Giải pháp", "Công nghệ", "Chuyển giao", "Cung cấp", "Cần tìm"],
};
const EN = {
  subjects: ["dryer", "processing line", "wastewater treatment system", "fermentation process", "measuring instrument", "CNC machine", "biomass boiler", "irrigation system", "microbial product", "management software", "IoT sensor", "composite material", "extraction process", "cold store", "pellet press", "solar power system", "sorting machine", "lightweight concrete", "membrane filter", "welding robot"],
  objects: ["fruit", "coffee", "cashew", "seafood", "shrimp", "rice", "tea", "medicinal herbs", "rubber", "timber", "vegetables", "dairy", "fish sauce", "cocoa", "pepper", "sugar cane", "animal feed", "organic fertiliser", "textile dyeing", "machine parts"],
  qualifiers: ["energy-saving", "for small and medium plants", "export-grade", "automated", "high-capacity", "low-cost", "eco-friendly", "standards-compliant", "remotely controlled", "high-yield"],
  verbs: ["Solution:", "Technology:", "Licensing", "Supply of", "Wanted:"],
};
const TYPES = ["TECHNOLOGY_OFFER", "TECHNOLOGY_OFFER", "EQUIPMENT_OFFER", "TECHNOLOGY_REQUEST"] as const;
const MODES = ["LICENSE_EXCLUSIVE", "LICENSE_NON_EXCLUSIVE", "ASSIGNMENT", "JOINT_VENTURE", "TECHNICAL_ASSISTANCE", "TURNKEY"] as const;
const IP = ["PATENT_GRANTED", "PATENT_PENDING", "UTILITY_SOLUTION_GRANTED", "KNOW_HOW", "SOFTWARE_COPYRIGHT", "NONE"] as const;
const DAY = 24 * 60 * 60 * 1000;

export async function generateListings(count: number, options: { seed?: number; batchSize?: number; log?: (line: string) => void } = {}) {
  const seed = options.seed ?? 1;
  const batchSize = options.batchSize ?? 1000;
  const random = prng(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const [provinces, sectors] = await Promise.all([
    prisma.province.findMany({ select: { code: true } }),
    prisma.sector.findMany({ where: { level: 2 }, select: { code: true } }),
  ]);
  // One synthetic organisation per 50 listings, of every kind.
  const kinds = ["ENTERPRISE", "ENTERPRISE", "RESEARCH_INSTITUTE", "UNIVERSITY", "INDIVIDUAL"] as const;
  const orgCount = Math.max(1, Math.ceil(count / 50));
  const orgs: { id: string }[] = [];
  for (let start = 0; start < orgCount; start += batchSize) {
    const rows = Array.from({ length: Math.min(batchSize, orgCount - start) }, (_, k) => ({
      name: `Tổ chức mô phỏng ${seed}-${start + k + 1}`,
      kind: kinds[(start + k) % kinds.length]!,
      provinceCode: pick(provinces).code,
    }));
    orgs.push(...(await prisma.organisation.createManyAndReturn({ data: rows, select: { id: true } })));
  }

  const now = Date.now();
  let created = 0;
  for (let start = 0; start < count; start += batchSize) {
    const listings: Prisma.ListingCreateManyInput[] = [];
    const links: { n: number; codes: string[] }[] = [];
    for (let n = start; n < Math.min(count, start + batchSize); n++) {
      const lang = random() < 0.8 ? VI : EN;
      const type = pick(TYPES);
      const subject = pick(lang.subjects);
      const object = pick(lang.objects);
      const qualifier = pick(lang.qualifiers);
      const title = `${pick(lang.verbs)} ${subject} ${lang === VI ? "cho" : "for"} ${object} ${qualifier}`;
      const publishedAt = new Date(now - Math.floor(random() * 330) * DAY);
      const price = BigInt(Math.round(50 + random() * 4950) * 1_000_000);
      listings.push({
        type,
        status: "PUBLISHED",
        organisationId: pick(orgs).id,
        externalRef: `SYN-${seed}-${n + 1}`,
        language: lang === VI ? "vi" : "en",
        title,
        summary:
          lang === VI
            ? `${subject[0]!.toUpperCase()}${subject.slice(1)} ${qualifier} dùng cho ${object}; đã vận hành thực tế, có hỗ trợ lắp đặt và đào tạo.`
            : `A ${qualifier} ${subject} for ${object}, proven in production, with installation support and training.`,
        description: lang === VI ? `Mô tả ${subject} cho ${object}. Công suất và thông số theo yêu cầu.` : `Describes the ${subject} for ${object}. Capacity and specifications on request.`,
        keywords: [subject, object],
        provinceCode: pick(provinces).code,
        priceType: type === "TECHNOLOGY_REQUEST" ? "NEGOTIABLE" : random() < 0.5 ? "NEGOTIABLE" : "FIXED",
        priceMin: type === "TECHNOLOGY_REQUEST" ? null : price,
        priceMax: type === "TECHNOLOGY_REQUEST" ? null : price * 2n,
        currency: type === "TECHNOLOGY_REQUEST" ? null : "VND",
        transferModes: type === "EQUIPMENT_OFFER" ? ["EQUIPMENT_SALE"] : [pick(MODES), pick(MODES)].filter((m, i, a) => a.indexOf(m) === i),
        trl: type === "TECHNOLOGY_OFFER" ? 3 + Math.floor(random() * 7) : null,
        ipStatus: type === "TECHNOLOGY_OFFER" ? pick(IP) : null,
        condition: type === "EQUIPMENT_OFFER" ? pick(["NEW", "USED", "REFURBISHED"] as const) : null,
        manufactureYear: type === "EQUIPMENT_OFFER" ? 2008 + Math.floor(random() * 18) : null,
        quantity: type === "EQUIPMENT_OFFER" ? 1 + Math.floor(random() * 5) : null,
        minTrl: type === "TECHNOLOGY_REQUEST" ? 4 + Math.floor(random() * 5) : null,
        budgetMin: type === "TECHNOLOGY_REQUEST" ? price : null,
        budgetMax: type === "TECHNOLOGY_REQUEST" ? price * 3n : null,
        budgetCurrency: type === "TECHNOLOGY_REQUEST" ? "VND" : null,
        submittedAt: publishedAt,
        publishedAt,
        expiresAt: new Date(publishedAt.getTime() + 365 * DAY),
      });
      const first = pick(sectors).code;
      const second = pick(sectors).code;
      links.push({ n, codes: first === second ? [first] : [first, second] });
    }
    await prisma.$transaction(async (tx) => {
      const rows = await tx.listing.createManyAndReturn({ data: listings, select: { id: true, externalRef: true } });
      const idByRef = new Map(rows.map((r) => [r.externalRef, r.id]));
      await tx.listingSector.createMany({
        data: links.flatMap(({ n, codes }) => codes.map((sectorCode) => ({ listingId: idByRef.get(`SYN-${seed}-${n + 1}`)!, sectorCode }))),
      });
      // A large batch outlasts Prisma's 5 s default for interactive transactions.
    }, { timeout: 120_000, maxWait: 30_000 });
    created += listings.length;
    options.log?.(`generated ${created}/${count}`);
  }
  // A bulk load ends with fresh statistics and counts: the queries that follow (a benchmark, the
  // home page) are planned for the rows now there, and show them.
  await analyzeCatalogueTables();
  await refreshCatalogueCounts();
  options.log?.("analysed the catalogue's tables and recounted the catalogue");
  return { listings: created, organisations: orgs.length };
}
