import { RemixBrowser } from "@remix-run/react";
import i18next from "i18next";
import { startTransition, StrictMode } from "react";
import { hydrateRoot } from "react-dom/client";
import { I18nextProvider, initReactI18next } from "react-i18next";
import { i18nOptions, isLocale, DEFAULT_LOCALE } from "~/modules/i18n/config.ts";
import { loadMessages } from "~/modules/i18n/messages.ts";

async function hydrate() {
  const lang = document.documentElement.lang;
  const lng = isLocale(lang) ? lang : DEFAULT_LOCALE;
  // Only the page's language: its messages are a chunk of their own, fetched from /build.
  await i18next.use(initReactI18next).init({ ...i18nOptions, lng, resources: { [lng]: { translation: await loadMessages(lng) } } });
  startTransition(() => {
    hydrateRoot(
      document,
      <I18nextProvider i18n={i18next}>
        <StrictMode>
          <RemixBrowser />
        </StrictMode>
      </I18nextProvider>,
    );
  });
}

void hydrate();
