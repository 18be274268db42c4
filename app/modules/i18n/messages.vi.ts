import account from "~/modules/account/locales/account.vi.json";
import alerts from "~/modules/alerts/locales/alerts.vi.json";
import accounts from "~/modules/auth/locales/accounts.vi.json";
import deals from "~/modules/deals/locales/deals.vi.json";
import inquiries from "~/modules/inquiries/locales/inquiries.vi.json";
import legal from "~/modules/legal/locales/legal.vi.json";
import attachments from "~/modules/listings/locales/attachments.vi.json";
import importing from "~/modules/listings/locales/import.vi.json";
import listings from "~/modules/listings/locales/listings.vi.json";
import matching from "~/modules/matching/locales/matching.vi.json";
import notifications from "~/modules/notifications/locales/notifications.vi.json";
import orgs from "~/modules/orgs/locales/orgs.vi.json";
import verification from "~/modules/orgs/locales/verification.vi.json";
import payments from "~/modules/payments/locales/payments.vi.json";
import reports from "~/modules/reports/locales/reports.vi.json";
import search from "~/modules/search/locales/search.vi.json";
import { mergeCatalogues } from "./config.ts";
import base from "./locales/vi.json";

/** Every feature's Vietnamese messages, as one catalogue: the browser loads this file alone (messages.ts). */
export const messages = mergeCatalogues(
  base, listings, attachments, importing, search,
  inquiries, deals, matching, notifications, alerts, payments, reports, orgs, verification, account,
  accounts, legal,
);
