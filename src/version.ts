// trove's own version (recorded in every catalog it writes).

import pkg from "../package.json" with { type: "json" };

export const TROVE_VERSION: string = pkg.version;
