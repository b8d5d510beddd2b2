import { defineConfig, globalIgnores } from "eslint/config";
import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";

export default defineConfig([
  ...nextVitals,
  ...nextTs,
  {
    rules: {
      // `_`-prefixed names mark values deliberately left unused (destructuring to omit a field).
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", ignoreRestSiblings: true }],
      // The Node processes (launcher, worker, scripts) are not React; these rules do not apply there.
      "import/no-anonymous-default-export": "off",
    },
  },
  globalIgnores([".next/**", ".data/**", "lib/generated/**", "next-env.d.ts", "bench/results/**", "tests/.artifacts/**"]),
]);
