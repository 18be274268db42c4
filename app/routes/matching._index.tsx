import { readForm } from "~/lib/http.server.ts";
import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { GeneralErrorBoundary } from "~/components/error-boundary.tsx";
import { requireActor } from "~/modules/auth/actor.server.ts";
import { getLocale } from "~/modules/i18n/i18n.server.ts";
import { formatDate } from "~/modules/i18n/format.ts";
import { provinceLabel } from "~/modules/listings/labels.ts";
import { MatchReasons, MatchScore } from "~/modules/matching/components/match-parts.tsx";
import matchingStyles from "~/modules/matching/components/matching.css";
import { dismissMatch, introduceMatch } from "~/modules/matching/decisions.server.ts";
import { getMatchBoard, getReasonLabels } from "~/modules/matching/queries.server.ts";
import { boardFiltersSchema, MATCH_STATUSES, matchDecisionSchema } from "~/modules/matching/schema.ts";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: matchingStyles }];
export const meta: MetaFunction = () => [{ title: "Matching — Techex" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const actor = await requireActor(request);
  const filters = boardFiltersSchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  const [board, labels, locale] = await Promise.all([getMatchBoard(actor, filters), getReasonLabels(), getLocale(request)]);
  return json({ ...board, labels, locale, filters });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const actor = await requireActor(request);
  const parsed = matchDecisionSchema.safeParse(Object.fromEntries(await readForm(request)));
  if (!parsed.success) return json({ error: "invalid", fields: parsed.error.flatten().fieldErrors }, { status: 400 });
  const { intent, matchId } = parsed.data;
  const result = intent === "introduce" ? await introduceMatch(actor, matchId, context.clientIp) : await dismissMatch(actor, matchId, context.clientIp);
  if (!result.ok) return json({ error: result.error, matchId }, { status: result.error === "gone" ? 404 : 409 });
  if (result.dealId) return redirect(`/deals/${result.dealId}`);
  return json({ ok: true as const, dismissed: matchId });
}

export default function MatchingBoard() {
  const { matches, total, page, totalPages, mayDecide, labels, locale, filters } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const [params] = useSearchParams();
  const { t } = useTranslation();
  const busy = navigation.state === "submitting";
  const pageUrl = (p: number) => {
    const next = new URLSearchParams(params);
    next.set("page", String(p));
    return `?${next.toString()}`;
  };
  const sectorCodes = Object.keys(labels.sectors);
  return (
    <section>
      <h1>{t("matching.board.title")}</h1>
      <p className="lead">{t("matching.board.lead")}</p>
      {actionData && "error" in actionData && actionData.error !== "invalid" ? (
        <p className="notice notice--warn" role="alert">
          {actionData.error === "gone" ? t("matching.error.gone") : actionData.error === "decided" ? t("matching.error.decided") : t("matching.error.unpublished")}
        </p>
      ) : null}
      {actionData && "dismissed" in actionData ? (
        <p className="notice notice--ok" role="status">
          {t("matching.dismissed")}
        </p>
      ) : null}
      <Form method="get" className="form-inline filters">
        <label>
          {t("matching.board.status")}{" "}
          <select name="status" defaultValue={filters.status}>
            {[...MATCH_STATUSES, "ALL" as const].map((s) => (
              <option key={s} value={s}>
                {t(`matching.status.${s}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t("matching.board.minScore")}{" "}
          <input type="number" name="min" min={0} max={100} step={5} defaultValue={filters.min ?? ""} inputMode="numeric" />
        </label>
        <label>
          {t("matching.board.sector")}{" "}
          <select name="sector" defaultValue={filters.sector ?? ""}>
            <option value="">{t("matching.board.any")}</option>
            {sectorCodes.map((code) => (
              <option key={code} value={code}>
                {code.includes(".") ? "\u00a0\u00a0" : ""}
                {code} {labels.sectors[code]![locale]}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className="button button--small">
          {t("matching.board.apply")}
        </button>
      </Form>

      <h2>{t("matching.board.count", { count: total })}</h2>
      {matches.length === 0 ? <p className="empty">{t("matching.board.empty")}</p> : null}
      <ol className="match-list">
        {matches.map((m) => (
          <li key={m.id} className="card match">
            <div className="match__head">
              <MatchScore score={m.score} />
              <span className="muted">
                {t(`matching.status.${m.status}`)} · {t("matching.board.computed", { date: formatDate(m.computedAt, locale) })}
              </span>
            </div>
            <div className="match__pair">
              {(
                [
                  ["need", m.requestListing],
                  ["offer", m.offerListing],
                ] as const
              ).map(([side, l]) => (
                <div key={side} className="match__side">
                  <span className={`badge badge--${l.type.toLowerCase()}`}>{side === "need" ? t("matching.need") : t("matching.offer")}</span>
                  <h3 dir="auto" lang={l.language}>
                    <Link to={`/listings/${l.id}`}>{l.title}</Link>
                  </h3>
                  <p className="muted">
                    <bdi>{l.organisation.name}</bdi>
                    {provinceLabel(l.province, locale) ? ` · ${provinceLabel(l.province, locale)}` : null}
                  </p>
                </div>
              ))}
            </div>
            <MatchReasons reasons={m.reasons} labels={labels} locale={locale} />
            <div className="match__actions">
              {m.status === "SUGGESTED" && mayDecide ? (
                <Form method="post" className="match__actions">
                  <input type="hidden" name="matchId" value={m.id} />
                  <button type="submit" name="intent" value="introduce" className="button button--small" disabled={busy}>
                    {t("matching.board.introduce")}
                  </button>
                  <button type="submit" name="intent" value="dismiss" className="button button--small button--ghost" disabled={busy}>
                    {t("matching.board.dismiss")}
                  </button>
                </Form>
              ) : null}
              {m.deal ? (
                <Link to={`/deals/${m.deal.id}`} className="button button--small button--ghost">
                  {t("matching.board.openDeal")}
                </Link>
              ) : null}
            </div>
          </li>
        ))}
      </ol>
      {totalPages > 1 ? (
        <nav className="pager" aria-label={t("matching.board.page", { page, total: totalPages })}>
          {page > 1 ? <Link to={pageUrl(page - 1)}>{t("matching.board.previous")}</Link> : null}
          <span>{t("matching.board.page", { page, total: totalPages })}</span>
          {page < totalPages ? <Link to={pageUrl(page + 1)}>{t("matching.board.next")}</Link> : null}
        </nav>
      ) : null}
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
