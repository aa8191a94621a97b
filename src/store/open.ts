// openStore: a Store from a URI or a path, with credentials from the usual places (never from the
// URI). s3:// takes its endpoint from opts or TROVE_S3_ENDPOINT / AWS_ENDPOINT_URL_S3 /
// AWS_ENDPOINT_URL and its keys from the AWS SDK's chain; az:// from AZURE_STORAGE_CONNECTION_STRING
// or an account key / SAS token; gs:// from GOOGLE_APPLICATION_CREDENTIALS, with STORAGE_EMULATOR_HOST
// or opts.apiEndpoint for emulators.
//
//   const store = await openStore("s3://lab/ds", { endpoint: "http://127.0.0.1:7480" });
//   const here = await openStore("./data");   // a LocalStore

import type { Store } from "./store.ts";
import { StoreError } from "./errors.ts";
import { parseStoreUri } from "./uri.ts";
import { redact } from "./redact.ts";

export interface OpenStoreOptions {
  /** s3: the S3 endpoint; az: the blob endpoint; gs: the API endpoint. */
  endpoint?: string;
  /** s3 */
  region?: string;
  forcePathStyle?: boolean;
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** az */
  connectionString?: string;
  accountKey?: string;
  sasToken?: string;
  /** gs */
  apiEndpoint?: string;
  projectId?: string;
  keyFilename?: string;
  accessToken?: string;
  /** Where to read settings from (default process.env). */
  env?: NodeJS.ProcessEnv;
}

export async function openStore(uri: string, opts: OpenStoreOptions = {}): Promise<Store> {
  const env = opts.env ?? process.env;
  const u = parseStoreUri(uri);
  switch (u.scheme) {
    case "file": {
      const { LocalStore } = await import("./local.ts");
      return new LocalStore(u.path);
    }
    case "s3": {
      const { S3Store } = await import("./s3.ts");
      const endpoint = opts.endpoint ?? env.TROVE_S3_ENDPOINT ?? env.AWS_ENDPOINT_URL_S3 ?? env.AWS_ENDPOINT_URL;
      return new S3Store({ bucket: u.bucket, prefix: u.prefix, endpoint, region: opts.region, forcePathStyle: opts.forcePathStyle, credentials: opts.credentials });
    }
    case "az": {
      const { AzureStore } = await import("./azure.ts");
      const common = { container: u.container, prefix: u.prefix };
      const cs = opts.connectionString ?? env.AZURE_STORAGE_CONNECTION_STRING;
      if (cs) {
        const account = cs.match(/AccountName=([^;]+)/i)?.[1];
        if (account && account !== u.account) {
          throw new StoreError(`${uri} names account ${u.account}, but the connection string (AZURE_STORAGE_CONNECTION_STRING) is for account ${account}`);
        }
        return new AzureStore({ ...common, connectionString: cs });
      }
      const endpoint = opts.endpoint ?? env.AZURE_STORAGE_BLOB_ENDPOINT;
      const accountKey = opts.accountKey ?? env.AZURE_STORAGE_KEY ?? env.AZURE_STORAGE_ACCOUNT_KEY;
      if (accountKey) return new AzureStore({ ...common, account: u.account, accountKey, endpoint });
      const sasToken = opts.sasToken ?? env.AZURE_STORAGE_SAS_TOKEN;
      if (sasToken) return new AzureStore({ ...common, account: u.account, sasToken, endpoint });
      throw new StoreError(`no Azure credentials for ${redact(uri)}: set AZURE_STORAGE_CONNECTION_STRING, AZURE_STORAGE_KEY or AZURE_STORAGE_SAS_TOKEN`);
    }
    case "gs": {
      const { GcsStore } = await import("./gcs.ts");
      return new GcsStore({
        bucket: u.bucket, prefix: u.prefix, apiEndpoint: opts.apiEndpoint ?? opts.endpoint,
        projectId: opts.projectId, keyFilename: opts.keyFilename, accessToken: opts.accessToken,
      });
    }
  }
}
