// The product's own settings, as a shell may have them exported (BATON_ADMIN_PASSWORD, PORT,
// LOG_LEVEL...). Tests must not depend on them: the global setup removes them from the test
// run's environment, which every test file and every process a test starts inherits; a test
// that needs one sets it itself.
const PRODUCT_VARIABLE = /^(BATON_(?!TEST_)\w+|DATABASE_URL|PORT|WORKER_\w+|LOG_LEVEL|LOG_FORMAT|OTEL_\w+)$/;

export function clearProductEnv(env: NodeJS.ProcessEnv = process.env): string[] {
  const cleared = Object.keys(env).filter((name) => PRODUCT_VARIABLE.test(name));
  for (const name of cleared) delete env[name];
  return cleared;
}
