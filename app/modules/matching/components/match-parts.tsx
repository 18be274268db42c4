import { useTranslation } from "react-i18next";
import type { Locale } from "~/modules/i18n/config.ts";
import { describeReason, isNegative, type ReasonLabels } from "../reasons.ts";
import type { Reason } from "../scoring.ts";

/** The score as a percentage with a bar, for people; the API keeps the number in [0, 1]. */
export function MatchScore({ score }: { score: number }) {
  const { t } = useTranslation();
  const percent = Math.round(score * 100);
  return (
    <span className="match-score" title={t("matching.score")}>
      {/* An SVG bar: a style attribute would need 'unsafe-inline' in the Content-Security-Policy. */}
      <svg className="match-score__bar" viewBox="0 0 100 1" preserveAspectRatio="none" aria-hidden="true" focusable="false">
        <rect width={Math.min(100, Math.max(0, percent))} height="1" />
      </svg>
      <span>
        <span className="visually-hidden">{t("matching.score")}: </span>
        {t("matching.scoreValue", { percent })}
      </span>
    </span>
  );
}

/** Why a pair matches, in words in the reader's language; points against it come last, marked. */
export function MatchReasons({ reasons, labels, locale }: { reasons: Reason[]; labels: ReasonLabels; locale: Locale }) {
  const { t } = useTranslation();
  const ordered = [...reasons.filter((r) => !isNegative(r)), ...reasons.filter(isNegative)];
  return (
    <ul className="match-reasons" aria-label={t("matching.why")}>
      {ordered.map((reason, i) => (
        <li key={`${reason.code}-${i}`} className={isNegative(reason) ? "match-reasons__against" : undefined}>
          {describeReason(reason, t, labels, locale)}
        </li>
      ))}
    </ul>
  );
}
