// ESLint flat config: typescript-eslint's recommended rules, plus the boundary rule that keeps
// the connectors library free of VS Code.
import js from "@eslint/js";
import tseslint from "typescript-eslint";
import globals from "globals";

export default tseslint.config(
  { ignores: ["dist/**", "out/**", "node_modules/**", ".cache/**", ".test-output/**", "coverage/**", "media/**", ".sandbox/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
      eqeqeq: ["error", "smart"],
    },
  },
  {
    files: ["src/connectors/**/*.ts"],
    rules: {
      "no-restricted-imports": ["error", { paths: [{ name: "vscode", message: "src/connectors is a plain Node library: no vscode import." }] }],
    },
  },
  {
    files: ["**/*.mjs"],
    rules: { "@typescript-eslint/consistent-type-imports": "off" },
  },
);
