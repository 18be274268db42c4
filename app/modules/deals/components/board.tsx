import { Form, Link, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import type { Locale } from "~/modules/i18n/config.ts";
import { formatNumber } from "~/modules/i18n/format.ts";
import { provinceLabel, sectorLabel } from "~/modules/listings/labels.ts";
import type { DealStage } from "../state-machine.ts";
import { DealCard, StageBadge, type DealCardData } from "./deal-card.tsx";

interface FilterOptions {
  brokers: { id: string; name: string }[];
  sectors: { code: string; labelVi: string; labelEn: string; children: { code: string; labelVi: string; labelEn: string }[] }[];
  provinces: { code: string; shortNameVi: string; nameEn: string }[];
}

/** Broker, sector and province filters as a GET form: the board's state lives in the URL. */
export function BoardFilters({ options, locale }: { options: FilterOptions; locale: Locale }) {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const stage = params.get("stage");
  return (
    <Form method="get" className="form-inline filters deal-filters" aria-label={t("deals.filters.apply")}>
      {stage ? <input type="hidden" name="stage" value={stage} /> : null}
      <label>
        {t("deals.filters.broker")}{" "}
        <select name="broker" defaultValue={params.get("broker") ?? ""}>
          <option value="">{t("deals.filters.any")}</option>
          <option value="mine">{t("deals.filters.mine")}</option>
          <option value="unassigned">{t("deals.filters.unassigned")}</option>
          {options.brokers.map((b) => (
            <option key={b.id} value={b.id}>
              {b.name}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t("deals.filters.sector")}{" "}
        <select name="sector" defaultValue={params.get("sector") ?? ""}>
          <option value="">{t("deals.filters.any")}</option>
          {options.sectors.map((f) => (
            <optgroup key={f.code} label={`${f.code} ${sectorLabel(f, locale)}`}>
              <option value={f.code}>
                {f.code} {sectorLabel(f, locale)}
              </option>
              {f.children.map((s) => (
                <option key={s.code} value={s.code}>
                  {s.code} {sectorLabel(s, locale)}
                </option>
              ))}
            </optgroup>
          ))}
        </select>
      </label>
      <label>
        {t("deals.filters.province")}{" "}
        <select name="province" defaultValue={params.get("province") ?? ""}>
          <option value="">{t("deals.filters.any")}</option>
          {options.provinces.map((p) => (
            <option key={p.code} value={p.code}>
              {provinceLabel(p, locale)}
            </option>
          ))}
        </select>
      </label>
      <button type="submit" className="button button--small">
        {t("deals.filters.apply")}
      </button>
      <Link to={stage ? `?stage=${stage}` : "."} className="link-button">
        {t("deals.filters.reset")}
      </Link>
    </Form>
  );
}

/** The open stages and ON_HOLD side by side, each with its full count. */
export function BoardColumns({ columns, locale }: { columns: { stage: DealStage; total: number; deals: DealCardData[] }[]; locale: Locale }) {
  const { t } = useTranslation();
  return (
    <div className="deal-board" role="list">
      {columns.map((column) => (
        <section key={column.stage} className="deal-board__column" role="listitem" aria-labelledby={`column-${column.stage}`}>
          <h2 id={`column-${column.stage}`} className="deal-board__head">
            <StageBadge stage={column.stage} /> <span className="deal-board__count">{formatNumber(column.total, locale)}</span>
          </h2>
          {column.deals.length === 0 ? <p className="muted">{t("deals.columnEmpty")}</p> : null}
          <ol className="deal-board__cards">
            {column.deals.map((deal) => (
              <li key={deal.id}>
                <DealCard deal={deal} locale={locale} />
              </li>
            ))}
          </ol>
          {column.total > column.deals.length ? <p className="muted small">{t("deals.columnMore", { shown: column.deals.length, total: column.total })}</p> : null}
        </section>
      ))}
    </div>
  );
}

/** Links to the closed stages, which the board only counts; they keep the current filters. */
export function ClosedLinks({ counts, locale }: { counts: Record<DealStage, number>; locale: Locale }) {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const link = (stage: "COMPLETED" | "LOST") => {
    const next = new URLSearchParams(params);
    next.set("stage", stage);
    next.delete("page");
    return `?${next}`;
  };
  return (
    <p className="deal-closed-links">
      <strong>{t("deals.closedHeading")}:</strong>{" "}
      {(["COMPLETED", "LOST"] as const).map((stage, i) => (
        <span key={stage}>
          {i > 0 ? " · " : null}
          <Link to={link(stage)}>{t("deals.closedLink", { stage: t(`deals.stage.${stage}`), n: formatNumber(counts[stage], locale) })}</Link>
        </span>
      ))}
    </p>
  );
}

/** One closed stage as a paged list. */
export function ClosedList({
  closed,
  locale,
}: {
  closed: { stage: "COMPLETED" | "LOST"; page: number; pageSize: number; total: number; deals: DealCardData[] };
  locale: Locale;
}) {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const pages = Math.max(1, Math.ceil(closed.total / closed.pageSize));
  const pageLink = (page: number) => {
    const next = new URLSearchParams(params);
    next.set("page", String(page));
    return `?${next}`;
  };
  const back = new URLSearchParams(params);
  back.delete("stage");
  back.delete("page");
  return (
    <section>
      <p className="breadcrumbs">
        <Link to={`?${back}`}>{t("deals.backToBoard")}</Link>
      </p>
      <h2>{t("deals.closedTitle", { stage: t(`deals.stage.${closed.stage}`) })}</h2>
      {closed.deals.length === 0 ? <p className="empty">{t("deals.empty")}</p> : null}
      <ol className="grid">
        {closed.deals.map((deal) => (
          <li key={deal.id}>
            <DealCard deal={deal} locale={locale} />
          </li>
        ))}
      </ol>
      {pages > 1 ? (
        <nav className="pagination" aria-label={t("deals.pageOf", { page: closed.page, pages })}>
          {closed.page > 1 ? <Link to={pageLink(closed.page - 1)}>{t("deals.previous")}</Link> : null}{" "}
          <span>{t("deals.pageOf", { page: closed.page, pages })}</span>{" "}
          {closed.page < pages ? <Link to={pageLink(closed.page + 1)}>{t("deals.next")}</Link> : null}
        </nav>
      ) : null}
    </section>
  );
}
