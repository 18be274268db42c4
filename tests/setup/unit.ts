/**
 * The unit project (files named *.unit.test.ts) has no database and no Meilisearch. Both point at
 * places that fail at once with a name that says why, because in a run of both projects this
 * process inherits what the integration project's global setup started (its Meilisearch, its
 * template database), and a unit file must not pass by quietly using them.
 */
process.env.DATABASE_URL = "postgresql://unit-tests-have-no-database@%2Fnonexistent%2Funit-tests-have-no-database/techex";
process.env.MEILI_HOST = "http://unit-tests-have-no-meilisearch.invalid";
delete process.env.MEILI_MASTER_KEY;
delete process.env.TECHEX_TEST_ADMIN_URL;
delete process.env.TECHEX_TEST_TEMPLATE;
delete process.env.TECHEX_TEST_PGLITE_DUMP;
