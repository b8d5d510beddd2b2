// The unit project's whole global setup: no database, no build, no browser; only the caller's
// shell is kept out of the tests (see tests/helpers/env.ts). The integration and e2e projects
// run tests/setup/global.ts, which does this too.
import { clearProductEnv } from "../helpers/env.ts";

export default function setup() {
  clearProductEnv();
}
