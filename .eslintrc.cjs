/** @type {import('eslint').Linter.Config} */
module.exports = {
  root: true,
  parser: "@typescript-eslint/parser",
  parserOptions: { ecmaVersion: "latest", sourceType: "module", ecmaFeatures: { jsx: true } },
  env: { browser: true, node: true, es2022: true },
  plugins: ["@typescript-eslint", "react-hooks"],
  extends: ["eslint:recommended", "plugin:@typescript-eslint/recommended", "plugin:react-hooks/recommended"],
  ignorePatterns: ["node_modules", "build", "public/build", "app/generated", ".data", ".cache", "tests/.artifacts"],
  rules: {
    "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_" }],
    "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
    "no-restricted-imports": [
      "error",
      { patterns: [{ group: ["**/lib/db.server*", "**/lib/meili.server*"], message: "Routes ask a module; only app/modules and scripts talk to the database or search." }] },
    ],
  },
  overrides: [
    { files: ["app/modules/**", "app/lib/**", "scripts/**", "tests/**", "prisma/**"], rules: { "no-restricted-imports": "off" } },
    {
      // npm run test:unit has no database or Meilisearch: a unit test uses neither, nor the factories or the integration setup.
      files: ["*.unit.test.ts"],
      rules: {
        "no-restricted-imports": [
          "error",
          { patterns: [{ group: ["**/lib/db.server*", "**/lib/meili.server*", "**/factories/*", "**/setup/*", "!**/setup/console-errors*"], message: "A *.unit.test.ts file runs without services; name it *.test.ts to run it with a database and Meilisearch." }] },
        ],
      },
    },
    { files: ["*.cjs"], rules: { "@typescript-eslint/no-require-imports": "off" } },
  ],
};
