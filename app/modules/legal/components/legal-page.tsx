import { useTranslation } from "react-i18next";
import type { LegalText } from "../texts.server.ts";

/** One legal text (terms or privacy) with its version, which sign-ups record. */
export function LegalPage({ document, text }: { document: "terms" | "privacy"; text: LegalText }) {
  const { t } = useTranslation();
  return (
    <article className="prose stack" aria-labelledby="legal-title">
      <h1 id="legal-title">{t(`legal.${document}.title`)}</h1>
      <p className="muted">{t("legal.version", { version: text.version })}</p>
      {text.sections.map((section) => (
        <section key={section.heading}>
          <h2>{section.heading}</h2>
          {section.paragraphs.map((p) => (
            <p key={p}>{p}</p>
          ))}
        </section>
      ))}
    </article>
  );
}
