import { createInstance, type TFunction } from "i18next";
import { singleton } from "~/lib/singleton.server.ts";
import { DEFAULT_LOCALE, i18nOptions, isLocale, resources, type Locale } from "~/modules/i18n/config.ts";

/** One i18next instance for text written outside a request (e-mails, jobs), in a language chosen by the caller. */
function instance() {
  return singleton("i18n-fixed", () => {
    const i18n = createInstance();
    void i18n.init({ ...i18nOptions, resources, lng: DEFAULT_LOCALE, initImmediate: false });
    return i18n;
  });
}

/** A user's stored language ("vi" or "en"), with Vietnamese for anything else. */
export function recipientLocale(value: string | null | undefined): Locale {
  return isLocale(value) ? value : DEFAULT_LOCALE;
}

/** A t function fixed to one language. */
export function fixedT(locale: Locale): TFunction {
  return instance().getFixedT(locale);
}
