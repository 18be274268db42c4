import { createCookie } from "@remix-run/node";
import { createInstance, type i18n, type TFunction } from "i18next";
import { initReactI18next } from "react-i18next";
import { RemixI18Next } from "remix-i18next/server";
import { singleton } from "~/lib/singleton.server.ts";
import { DEFAULT_LOCALE, i18nOptions, isLocale, SUPPORTED_LOCALES, type Locale } from "./config.ts";
import { resources } from "./resources.server.ts";

/** The language cookie set by the switcher; read before Accept-Language. */
export const localeCookie = createCookie("techex_lng", {
  path: "/",
  sameSite: "lax",
  httpOnly: true,
  maxAge: 60 * 60 * 24 * 365,
});

/** Only its language detection is used: its getFixedT builds and initialises a new i18next on every call. */
const detector = new RemixI18Next({
  detection: {
    supportedLanguages: [...SUPPORTED_LOCALES],
    fallbackLanguage: DEFAULT_LOCALE,
    cookie: localeCookie,
    order: ["cookie", "header"],
  },
});

/**
 * One initialised i18next per language for the whole process (creating one per request was a
 * tenth of a page's CPU). Every request in that language shares it, so nothing may change its
 * state: never call changeLanguage, addResource or init on what this returns.
 */
export function i18nextFor(locale: Locale): i18n {
  return singleton(`i18next-${locale}`, () => {
    const instance = createInstance({ ...i18nOptions, lng: locale, resources, initImmediate: false });
    // Resources are inline and initImmediate is off, so init has finished when it returns.
    void instance.use(initReactI18next).init();
    return instance;
  });
}

export async function getLocale(request: Request): Promise<Locale> {
  const locale = await detector.getLocale(request);
  return isLocale(locale) ? locale : DEFAULT_LOCALE;
}

/** A t function in the request's language (or in the given one), from the shared instance. */
export async function getFixedT(requestOrLocale: Request | Locale): Promise<TFunction> {
  const locale = typeof requestOrLocale === "string" ? requestOrLocale : await getLocale(requestOrLocale);
  return i18nextFor(locale).getFixedT(locale);
}

/** The names the routes use: the request's language, and a t function in it. */
export const i18nServer = { getLocale, getFixedT };
