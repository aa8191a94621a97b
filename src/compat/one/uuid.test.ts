import { describe, expect, it } from "vitest";
import { openDuckDB, sqlString } from "../../catalog/duckdb.ts";
import { uuid5Sql } from "./build.ts";
import { TROVE_ONE_NAMESPACE, uuid5 } from "./uuid.ts";

describe("uuid5", () => {
  it("matches Python's uuid.uuid5", () => {
    // python3 -c "import uuid; print(uuid.uuid5(uuid.NAMESPACE_URL, 'https://trove.invalid/one'))"
    expect(uuid5("6ba7b811-9dad-11d1-80b4-00c04fd430c8", "https://trove.invalid/one")).toBe(TROVE_ONE_NAMESPACE);
    // python3 -c "import uuid; print(uuid.uuid5(uuid.NAMESPACE_DNS, 'mylab/mysub/2021-02-28/001'))"
    expect(uuid5("6ba7b810-9dad-11d1-80b4-00c04fd430c8", "mylab/mysub/2021-02-28/001")).toBe("98726724-d468-53e3-b7c1-ca89f680a97e");
  });

  it("gives the same ids in SQL (uuid5Sql) as in JavaScript", async () => {
    const names = ["session:mylab/mysub/2021-02-28/001", "dataset:alf/spikes.times.npy", "", "dataset:ünï/cödé.npy", "x".repeat(300)];
    const db = await openDuckDB();
    try {
      for (const name of names) {
        const [row] = await db.all(`SELECT ${uuid5Sql(sqlString(name))} AS id`);
        expect(row.id).toBe(uuid5(TROVE_ONE_NAMESPACE, name));
      }
    } finally {
      db.close();
    }
  });
});
