import type { Locale } from "~/modules/i18n/config.ts";
import { provinceLabel, sectorLabel } from "~/modules/listings/labels.ts";

interface SectorOption {
  code: string;
  labelVi: string;
  labelEn: string;
}

/** The reference data the search page labels its facets and hits with (from getListingFormOptions). */
export interface SearchOptions {
  sectors: (SectorOption & { children: SectorOption[] })[];
  provinces: { code: string; shortNameVi: string; nameEn: string }[];
}

export interface SearchLabels {
  sector(code: string): string;
  province(code: string): string;
}

/** Code → label in the reader's language; an unknown code shows as itself. */
export function searchLabels(options: SearchOptions, locale: Locale): SearchLabels {
  const sectors = new Map<string, string>();
  for (const field of options.sectors) {
    sectors.set(field.code, sectorLabel(field, locale));
    for (const child of field.children) sectors.set(child.code, sectorLabel(child, locale));
  }
  const provinces = new Map(options.provinces.map((p) => [p.code, provinceLabel(p, locale) ?? p.code]));
  return {
    sector: (code) => sectors.get(code) ?? code,
    province: (code) => provinces.get(code) ?? code,
  };
}
