// @ts-check
// Next.js configuration (plain JavaScript, typed through the JSDoc import below).

/** @type {import("next").NextConfig} */
const config = {
  poweredByHeader: false,
  reactStrictMode: true,
  // Native or worker-thread packages stay outside the server bundle and load from node_modules.
  serverExternalPackages: ["argon2", "pg", "pg-boss", "pino", "pino-pretty", "@prisma/adapter-pg", "@prisma/client", "undici", "prom-client", "@opentelemetry/api", "@opentelemetry/sdk-trace", "@opentelemetry/exporter-trace-otlp-http", "@opentelemetry/core", "@opentelemetry/resources"],
  // `npm test` type-checks the whole tree (npm run typecheck); skipping it here keeps the build
  // that `npm start` runs after a change short.
  typescript: { ignoreBuildErrors: true },
  async headers() {
    // Baton is an operator's tool: no framing by other sites, no guessing of content types, and
    // no referrer leaking run ids to the links people follow.
    return [
      {
        source: "/:path*",
        headers: [
          { key: "X-Frame-Options", value: "DENY" },
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "Referrer-Policy", value: "same-origin" },
        ],
      },
    ];
  },
};

export default config;
