import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { GeneralErrorBoundary } from "~/components/error-boundary.tsx";
import { requireActor } from "~/modules/auth/actor.server.ts";
import { getDealsIndex } from "~/modules/deals/board.server.ts";
import { BoardColumns, BoardFilters, ClosedLinks, ClosedList } from "~/modules/deals/components/board.tsx";
import { DealCard } from "~/modules/deals/components/deal-card.tsx";
import dealsStylesheet from "~/modules/deals/components/deals.css";
import { boardFilterSchema } from "~/modules/deals/schema.ts";
import { getLocale } from "~/modules/i18n/i18n.server.ts";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: dealsStylesheet }];
export const meta: MetaFunction = () => [{ title: "Techex — Deals" }];

/** Brokers and admins get the pipeline board; members a list of their organisations' deals. */
export async function loader({ request }: LoaderFunctionArgs) {
  const actor = await requireActor(request);
  const filter = boardFilterSchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  const [view, locale] = await Promise.all([getDealsIndex(actor, filter), getLocale(request)]);
  return json({ view, locale });
}

export default function DealsPage() {
  const { view, locale } = useLoaderData<typeof loader>();
  const { t } = useTranslation();
  if (view.kind === "list") {
    return (
      <section>
        <h1>{t("deals.myTitle")}</h1>
        <p className="lead">{t("deals.myLead")}</p>
        {view.deals.length === 0 ? <p className="empty">{t("deals.empty")}</p> : null}
        <ol className="grid">
          {view.deals.map((deal) => (
            <li key={deal.id}>
              <DealCard deal={deal} locale={locale} showStage />
            </li>
          ))}
        </ol>
      </section>
    );
  }
  return (
    <section>
      <h1>{t("deals.boardTitle")}</h1>
      <p className="lead">{t("deals.boardLead")}</p>
      <BoardFilters options={view.board.filterOptions} locale={locale} />
      {view.board.closed ? (
        <ClosedList closed={view.board.closed} locale={locale} />
      ) : (
        <>
          <ClosedLinks counts={view.board.counts} locale={locale} />
          <BoardColumns columns={view.board.columns} locale={locale} />
        </>
      )}
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
