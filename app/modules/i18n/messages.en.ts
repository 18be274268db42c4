import account from "~/modules/account/locales/account.en.json";
import alerts from "~/modules/alerts/locales/alerts.en.json";
import accounts from "~/modules/auth/locales/accounts.en.json";
import deals from "~/modules/deals/locales/deals.en.json";
import inquiries from "~/modules/inquiries/locales/inquiries.en.json";
import legal from "~/modules/legal/locales/legal.en.json";
import attachments from "~/modules/listings/locales/attachments.en.json";
import importing from "~/modules/listings/locales/import.en.json";
import listings from "~/modules/listings/locales/listings.en.json";
import matching from "~/modules/matching/locales/matching.en.json";
import notifications from "~/modules/notifications/locales/notifications.en.json";
import orgs from "~/modules/orgs/locales/orgs.en.json";
import verification from "~/modules/orgs/locales/verification.en.json";
import payments from "~/modules/payments/locales/payments.en.json";
import reports from "~/modules/reports/locales/reports.en.json";
import search from "~/modules/search/locales/search.en.json";
import { mergeCatalogues } from "./config.ts";
import base from "./locales/en.json";

/** Every feature's English messages, as one catalogue: the browser loads this file alone (messages.ts). */
export const messages = mergeCatalogues(
  base, listings, attachments, importing, search,
  inquiries, deals, matching, notifications, alerts, payments, reports, orgs, verification, account,
  accounts, legal,
);
