import { Link } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import type { Locale } from "~/modules/i18n/config.ts";
import { formatDate, formatMoney } from "~/modules/i18n/format.ts";
import type { DealStage } from "../state-machine.ts";

/** A deal as a board card or list row shows it (dates and money as the loader serialised them). */
export interface DealCardData {
  id: string;
  title: string;
  stage: DealStage;
  closedAt: string | null;
  ageDays: number;
  agreedValue: string | null;
  agreedCurrency: "VND" | "USD" | null;
  providerOrg: { id: string; name: string };
  seekerOrg: { id: string; name: string };
  assignedBroker: { id: string; name: string } | null;
}

export function StageBadge({ stage }: { stage: DealStage }) {
  const { t } = useTranslation();
  return <span className={`badge deal-stage deal-stage--${stage.toLowerCase()}`}>{t(`deals.stage.${stage}`)}</span>;
}

/** Agreed value in the reader's locale; amounts are whole units kept exact below 2^53. */
export function AgreedValue({ value, currency, locale }: { value: string | null; currency: "VND" | "USD" | null; locale: Locale }) {
  if (value === null || currency === null) return null;
  return <>{formatMoney(Number(value), currency, locale)}</>;
}

export function DealCard({ deal, locale, showStage = false }: { deal: DealCardData; locale: Locale; showStage?: boolean }) {
  const { t } = useTranslation();
  return (
    <article className="card deal-card">
      {showStage ? <StageBadge stage={deal.stage} /> : null}
      <h3 className="deal-card__title" dir="auto">
        <Link to={`/deals/${deal.id}`}>{deal.title}</Link>
      </h3>
      <p className="deal-card__parties" dir="auto">
        <bdi>{deal.providerOrg.name}</bdi> ↔ <bdi>{deal.seekerOrg.name}</bdi>
      </p>
      {deal.agreedValue ? (
        <p className="deal-card__value">
          <AgreedValue value={deal.agreedValue} currency={deal.agreedCurrency} locale={locale} />
        </p>
      ) : null}
      <p className="deal-card__meta muted">
        <span>{deal.assignedBroker ? deal.assignedBroker.name : t("deals.card.unassigned")}</span>
        {" · "}
        <span>
          {deal.closedAt
            ? t("deals.closedOn", { date: formatDate(deal.closedAt, locale) })
            : deal.ageDays === 0
              ? t("deals.card.ageToday")
              : t("deals.card.openedAgo", { age: t("deals.card.ageDays", { count: deal.ageDays }) })}
        </span>
      </p>
    </article>
  );
}
