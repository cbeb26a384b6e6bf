import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/", "node_modules/", "console/dist/", "coverage/", "data/", "bench/out/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["src/**/*.ts"],
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      // Resident memory: Kysely's values come from its CommonJS build (src/storage/kysely.ts) and undici's
      // from the two files upstream calls use (src/providers/shared/undici-core.ts); a value import of
      // either entry point would load the rest again. Types may still come from them.
      "@typescript-eslint/no-restricted-imports": [
        "error",
        {
          paths: [
            { name: "kysely", message: "Import Kysely's values from src/storage/kysely.ts (one build, less memory).", allowTypeImports: true },
            { name: "undici", message: "Import Agent and request from src/providers/shared/undici-core.ts (less memory).", allowTypeImports: true },
          ],
        },
      ],
    },
  },
  {
    files: ["test/**/*.ts", "bench/**/*.ts", "console/**/*.{ts,tsx}"],
    rules: {
      "@typescript-eslint/no-explicit-any": "off",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/no-non-null-assertion": "off",
    },
  },
  {
    // Rules that need the type checker: a promise nobody awaits loses its error, a promise passed where a
    // plain callback is expected is never awaited, and a switch over a union must name every member so that
    // adding one (a stream part, a finish reason) shows every place that has to decide what to do with it.
    files: ["src/**/*.ts", "test/**/*.ts", "bench/**/*.ts", "console/src/**/*.{ts,tsx}"],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": "error",
      "@typescript-eslint/switch-exhaustiveness-check": "error",
    },
  },
  {
    files: ["**/*.js", "**/*.cjs", "**/*.mjs"],
    languageOptions: { globals: { process: "readonly", console: "readonly" } },
  },
);
