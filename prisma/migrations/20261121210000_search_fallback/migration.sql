-- Hand-written: what the PostgreSQL fallback search needs when Meilisearch is
-- unreachable (DESIGN.md §5). Prisma's schema language cannot express these;
-- the Prisma client never reads them.
CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- unaccent() is only STABLE (it reads a dictionary by name); fixing the
-- dictionary makes the wrapper safe to declare IMMUTABLE, so it can be indexed.
-- unaccent's rules fold đ to d, as Vietnamese readers expect.
-- Names are schema-qualified: PostgreSQL 17 builds indexes with a restricted search_path.
CREATE OR REPLACE FUNCTION public.techex_fold(value text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
  AS $$ SELECT lower(public.unaccent('public.unaccent'::regdictionary, value)) $$;

CREATE OR REPLACE FUNCTION public.techex_listing_text(title text, summary text, keywords text[]) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT public.techex_fold(coalesce(title, '') || ' ' || coalesce(summary, '') || ' ' || coalesce(array_to_string(keywords, ' '), '')) $$;

CREATE INDEX "Listing_search_text_trgm" ON "Listing" USING gin (public.techex_listing_text("title", "summary", "keywords") public.gin_trgm_ops);
