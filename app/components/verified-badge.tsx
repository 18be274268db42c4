import { useTranslation } from "react-i18next";

/** Shown next to an organisation's name once the centre verified its registration (issue #13). */
export function VerifiedBadge() {
  const { t } = useTranslation();
  return (
    <span className="badge badge--verified" title={t("org.verifiedHint")}>
      {t("org.verified")}
    </span>
  );
}
