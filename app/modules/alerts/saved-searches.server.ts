import type { Prisma } from "~/generated/prisma/client.ts";
import { prisma, type Tx } from "~/lib/db.server.ts";
import { forbidden, notFound } from "~/lib/http.server.ts";
import { holds, type Actor } from "~/modules/auth/permissions.ts";
import type { Locale } from "~/modules/i18n/config.ts";
import { getListingFormOptions } from "~/modules/listings/queries.server.ts";
import { fixedT } from "~/modules/notifications/translate.server.ts";
import { searchLabels } from "~/modules/search/components/search-labels.ts";
import type { SearchParams } from "~/modules/search/schema.ts";
import {
  MAX_SAVED_SEARCHES,
  NAME_MAX,
  parseSavedSearch,
  savedSearchPath,
  toSavedFilters,
  type AlertFrequency,
  type SavedFilters,
} from "./schema.ts";

/**
 * Saved searches are personal: a member manages their own (saved-search:manage:own)
 * whether or not they belong to an organisation yet; the row's userId is the owner.
 */
function requireManage(actor: Actor) {
  if (!holds(actor, "saved-search:manage:own") && !holds(actor, "saved-search:manage:any")) throw forbidden();
}

export type SaveResult = { ok: true; id: string; existing: boolean } | { ok: false; error: "alerts.errors.limit" };

/**
 * A readable default name in the member's language: the words searched for and
 * the filters, e.g. “máy sấy” · Chào bán công nghệ · TP. Hồ Chí Minh · TRL ≥ 6.
 */
export async function describeSearch(params: SearchParams, locale: Locale): Promise<string> {
  const t = fixedT(locale);
  const labels = searchLabels(await getListingFormOptions(), locale);
  const parts: string[] = [];
  if (params.q) parts.push(`“${params.q}”`);
  if (params.type) parts.push(t(`listingType.${params.type}`));
  if (params.sector.length) parts.push(params.sector.map((c) => labels.sector(c)).join(", "));
  if (params.province.length) parts.push(params.province.map((c) => labels.province(c)).join(", "));
  if (params.trl) parts.push(`TRL ≥ ${params.trl}`);
  if (params.ip.length) parts.push(params.ip.map((v) => t(`ipStatus.${v}`)).join(", "));
  if (params.mode.length) parts.push(params.mode.map((v) => t(`transferMode.${v}`)).join(", "));
  if (params.condition.length) parts.push(params.condition.map((v) => t(`condition.${v}`)).join(", "));
  if (params.priceMin !== undefined || params.priceMax !== undefined) parts.push(`${params.priceMin ?? 0}–${params.priceMax ?? "∞"} ₫`);
  if (params.featured) parts.push(t("alerts.summary.featured"));
  if (params.verified) parts.push(t("search.facet.verified"));
  if (params.lang) parts.push(params.lang);
  const text = parts.length ? parts.join(" · ") : t("alerts.summary.all");
  return text.length > NAME_MAX ? `${text.slice(0, NAME_MAX - 1)}…` : text;
}

/**
 * Saves the search page's current query and filters for the member. Saving the
 * same search again returns the one already saved (its alert settings updated)
 * instead of a duplicate.
 */
export async function saveSearch(
  actor: Actor,
  params: SearchParams,
  options: { name?: string; frequency: AlertFrequency; locale: Locale },
): Promise<SaveResult> {
  requireManage(actor);
  const filters = toSavedFilters(params) as Prisma.InputJsonValue;
  const query = params.q;
  const existing = await prisma.savedSearch.findFirst({ where: { userId: actor.id, query, filters: { equals: filters } }, select: { id: true } });
  if (existing) {
    await updateSavedSearch(actor, existing.id, { frequency: options.frequency, name: options.name });
    return { ok: true, id: existing.id, existing: true };
  }
  const name = options.name ?? (await describeSearch(params, options.locale));
  // The limit is checked and the row written under a per-user lock, so two quick clicks cannot pass it together.
  const created = await prisma.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`saved-search:${actor.id}`}))`;
    if ((await tx.savedSearch.count({ where: { userId: actor.id } })) >= MAX_SAVED_SEARCHES) return null;
    return tx.savedSearch.create({ data: { userId: actor.id, name, query, filters, frequency: options.frequency }, select: { id: true } });
  });
  return created ? { ok: true, id: created.id, existing: false } : { ok: false, error: "alerts.errors.limit" };
}

/** The member's saved searches, newest first, each with the link that reproduces it. */
export async function listSavedSearches(actor: Actor) {
  requireManage(actor);
  const rows = await prisma.savedSearch.findMany({
    where: { userId: actor.id },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: MAX_SAVED_SEARCHES,
    select: { id: true, name: true, query: true, filters: true, frequency: true, lastAlertedAt: true, unsubscribedAt: true, createdAt: true, _count: { select: { deliveries: true } } },
  });
  return rows.map(({ _count, filters, ...row }) => {
    const parsed = parseSavedSearch(row.query, filters);
    return {
      ...row,
      delivered: _count.deliveries,
      path: parsed.ok ? savedSearchPath(parsed.params.q, toSavedFilters(parsed.params)) : savedSearchPath(row.query, {}),
    };
  });
}

/**
 * Changes a saved search's alert frequency (and name). Choosing a frequency
 * again after an unsubscribe resumes e-mail, for listings published from now
 * on: a member coming back is not sent the whole backlog.
 */
export async function updateSavedSearch(actor: Actor, id: string, input: { frequency: AlertFrequency; name?: string }) {
  requireManage(actor);
  const search = await prisma.savedSearch.findFirst({ where: { id, userId: actor.id }, select: { id: true, frequency: true, unsubscribedAt: true } });
  if (!search) throw notFound();
  const resuming = input.frequency !== "NEVER" && (search.frequency === "NEVER" || search.unsubscribedAt !== null);
  await prisma.savedSearch.update({
    where: { id: search.id },
    data: {
      frequency: input.frequency,
      ...(input.name ? { name: input.name } : {}),
      ...(input.frequency !== "NEVER" ? { unsubscribedAt: null } : {}),
      ...(resuming ? { checkedUntil: new Date() } : {}),
    },
  });
}

export async function deleteSavedSearch(actor: Actor, id: string) {
  requireManage(actor);
  const { count } = await prisma.savedSearch.deleteMany({ where: { id, userId: actor.id } });
  if (count === 0) throw notFound();
}

/** What the unsubscribe page shows for a verified token's saved search (null when it was deleted). */
export function findSavedSearchForUnsubscribe(id: string) {
  return prisma.savedSearch.findUnique({ where: { id }, select: { id: true, name: true, unsubscribedAt: true, frequency: true } });
}

/** Stops a saved search's e-mail alerts (one-click unsubscribe); idempotent. */
export async function unsubscribeSavedSearch(id: string): Promise<{ name: string } | null> {
  await prisma.savedSearch.updateMany({ where: { id, unsubscribedAt: null }, data: { unsubscribedAt: new Date() } });
  const search = await prisma.savedSearch.findUnique({ where: { id }, select: { name: true } });
  return search;
}

export type { SavedFilters };

/** For account deletion: the user's saved searches (their deliveries go with them). */
export async function deleteSavedSearchesOf(tx: Tx, userId: string): Promise<void> {
  await tx.savedSearch.deleteMany({ where: { userId } });
}
