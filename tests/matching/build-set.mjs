// Builds tests/matching/set.json (the judged matching set) from topics.mjs:
//   node tests/matching/build-set.mjs
// Every topic gives one need and seven offers in the import format (docs/import-format.md):
//   MG-xx   good        the technology asked for, all criteria met
//   MG2-xx  good        the same technology from another provider (price on request)
//   MA-xx   acceptable  a partial or adjacent answer
//   MWS-xx  wrong       similar words, another product or sector (the trap)
//   MWT-xx  wrong       good2's technology at a TRL below the need's minimum
//   MWB-xx  wrong       good2's technology at a fixed price far above the budget
//   MWM-xx  wrong       good2's technology with none of the wanted transfer modes
// The other topics' offers are wrong for a need too (unrelated), and the eval adds the search
// relevance set's 217 listings (tests/relevance/listings.json) as unjudged distractors.
import { writeFileSync } from "node:fs";
import { topics } from "./topics.mjs";

const ALL_MODES = ["LICENSE_EXCLUSIVE", "LICENSE_NON_EXCLUSIVE", "ASSIGNMENT", "JOINT_VENTURE", "CAPITAL_CONTRIBUTION", "TECHNICAL_ASSISTANCE", "TURNKEY", "EQUIPMENT_SALE", "EQUIPMENT_LEASE"];
const PROVIDERS = {
  MG: { name: "Viện Nghiên cứu Cơ điện và Công nghệ Ứng dụng", kind: "RESEARCH_INSTITUTE" },
  MG2: { name: "Công ty TNHH Giải pháp Kỹ thuật Sao Mai", kind: "ENTERPRISE" },
  MA: { name: "Trường Đại học Kỹ thuật Công nghệ Miền Nam", kind: "UNIVERSITY" },
  MWS: { name: "Công ty Cổ phần Phát triển Sản phẩm Mới", kind: "ENTERPRISE" },
  MWT: { name: "Phòng thí nghiệm Trọng điểm Vật liệu và Quy trình", kind: "RESEARCH_INSTITUTE" },
  MWB: { name: "Tập đoàn Thiết bị Công nghiệp Đại Dương", kind: "ENTERPRISE" },
  MWM: { name: "Công ty TNHH Sở hữu Trí tuệ Bình Minh", kind: "ENTERPRISE" },
};
const isEnglish = (text) => !/[àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ]/i.test(text);
const fixed = (amount) => ({ type: "FIXED", min: Math.round(amount), max: Math.round(amount), currency: "VND" });

const listings = [];
const judgements = {};
for (const t of topics) {
  const needRef = `MN-${t.id}`;
  const [title, summary, problemStatement, keywords] = t.need;
  listings.push({
    externalRef: needRef,
    type: "TECHNOLOGY_REQUEST",
    language: t.lang ?? (isEnglish(title) ? "en" : "vi"),
    title,
    summary,
    problemStatement,
    keywords,
    sectors: t.sectors,
    country: "VN",
    minTrl: t.minTrl,
    budget: { min: Math.round(t.budget / 4), max: t.budget, currency: "VND" },
    wantedTransferModes: t.modes,
    organisation: { name: `Đơn vị có nhu cầu số ${t.id}`, kind: "ENTERPRISE" },
  });
  const offer = (prefix, text, facts) => {
    const [otitle, osummary, okeywords, sectors] = text;
    listings.push({
      externalRef: `${prefix}-${t.id}`,
      type: "TECHNOLOGY_OFFER",
      language: isEnglish(`${otitle} ${osummary}`) ? "en" : "vi",
      title: otitle,
      summary: osummary,
      keywords: okeywords,
      sectors,
      country: "VN",
      organisation: PROVIDERS[prefix],
      ipStatus: "KNOW_HOW",
      ...facts,
    });
  };
  const top = Math.min(9, t.minTrl + 1);
  const otherModes = ALL_MODES.filter((m) => !t.modes.includes(m));
  offer("MG", t.good, { trl: top, price: fixed(t.budget * 0.6), transferModes: [t.modes[0]] });
  offer("MG2", t.good2, { trl: t.minTrl, price: { type: "ON_REQUEST" }, transferModes: [t.modes[t.modes.length - 1]] });
  offer("MA", t.acc, { trl: top, price: { type: "NEGOTIABLE", min: Math.round(t.budget * 0.4), max: Math.round(t.budget * 0.7), currency: "VND" }, transferModes: [t.modes[0]] });
  offer("MWS", t.trap, { trl: 8, price: fixed(t.budget * 0.5), transferModes: [t.modes[0]] });
  const [g2title, ...g2rest] = t.good2;
  const en = isEnglish(g2title);
  offer("MWT", [`${g2title} ${en ? "(laboratory prototype)" : "(mẫu thử phòng thí nghiệm)"}`, ...g2rest], { trl: Math.max(1, t.minTrl - 3), price: fixed(t.budget * 0.3), transferModes: [t.modes[0]] });
  offer("MWB", [`${g2title} ${en ? "– large-capacity package" : "– gói công suất lớn"}`, ...g2rest], { trl: 9, price: { type: "FIXED", min: t.budget * 3, max: Math.round(t.budget * 3.5), currency: "VND" }, transferModes: [t.modes[0]] });
  offer("MWM", [`${g2title} ${en ? "– rights for sale" : "– chuyển nhượng quyền"}`, ...g2rest], { trl: 8, price: fixed(t.budget * 0.5), transferModes: otherModes.slice(0, 2) });
  judgements[needRef] = {
    [`MG-${t.id}`]: "good",
    [`MG2-${t.id}`]: "good",
    [`MA-${t.id}`]: "acceptable",
    [`MWS-${t.id}`]: "wrong",
    [`MWT-${t.id}`]: "wrong",
    [`MWB-${t.id}`]: "wrong",
    [`MWM-${t.id}`]: "wrong",
  };
}
// Pairs across topics that a broker would still consider (the same core technology): judged
// explicitly; every other pair across topics is wrong.
const CROSS = {
  "MN-05": { "MG-37": "acceptable", "MG2-37": "acceptable" },
  "MN-37": { "MG-05": "acceptable", "MG2-05": "acceptable" },
};
for (const [need, more] of Object.entries(CROSS)) Object.assign(judgements[need], more);
const set = {
  about: "Judged matching set (npm run eval:matching). Built by tests/matching/build-set.mjs from topics.mjs; listings in the import format.",
  judgements,
  listings,
};
writeFileSync(new URL("./set.json", import.meta.url), `${JSON.stringify(set, null, 1)}\n`);
console.log(`${Object.keys(judgements).length} needs, ${listings.length} listings`);
