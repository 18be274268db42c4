import { useEffect } from "react";
import { useTranslation } from "react-i18next";
import type { Locale } from "./config.ts";

/**
 * One language's messages, each its own chunk: a page downloads only its reader's language.
 * Two literal import()s, because the compiler splits only paths it can read.
 */
export async function loadMessages(locale: Locale) {
  switch (locale) {
    case "vi":
      return (await import("./messages.vi.ts")).messages;
    case "en":
      return (await import("./messages.en.ts")).messages;
  }
}

/**
 * Follows the language the server answered in. The switcher reloads the page, which loads the
 * new language from the start; this covers a language changed without one (the cookie set in
 * another tab, read when the root loader runs again) by loading the messages before switching.
 */
export function useChangeLanguage(locale: Locale) {
  const { i18n } = useTranslation();
  useEffect(() => {
    if (i18n.language === locale) return;
    let current = true;
    void loadMessages(locale).then((messages) => {
      if (!current) return;
      if (!i18n.hasResourceBundle(locale, "translation")) i18n.addResourceBundle(locale, "translation", messages);
      return i18n.changeLanguage(locale);
    });
    return () => {
      current = false;
    };
  }, [i18n, locale]);
}
