// Removes secrets from text before it reaches an error message, a log or `store.uri`:
// the secrets a store was configured with, plus anything shaped like a credential
// (AccountKey=…, SharedAccessSignature=…, sig=…, X-Amz-Signature=…, Bearer tokens).
//
//   redact("AccountKey=abc==;BlobEndpoint=http://x", [])   // "AccountKey=***;BlobEndpoint=http://x"

const PATTERNS: [RegExp, string][] = [
  [/(AccountKey=)[^;\s"']+/gi, "$1***"],
  [/(SharedAccessSignature=)[^;\s"']+/gi, "$1***"],
  [/([?&](?:sig|X-Amz-Signature|X-Amz-Credential|X-Amz-Security-Token|access_token)=)[^&\s"']+/gi, "$1***"],
  [/(Bearer\s+)[A-Za-z0-9._~+/=-]+/g, "$1***"],
  [/(aws_secret_access_key\s*=\s*)\S+/gi, "$1***"],
];

/** `text` with every known secret and every credential-shaped substring replaced by ***. */
export function redact(text: string, secrets: (string | undefined)[] = []): string {
  let out = text;
  // Longest first, so a secret that contains another is removed whole.
  const known = secrets.filter((s): s is string => !!s && s.length >= 4).sort((a, b) => b.length - a.length);
  for (const s of known) out = out.split(s).join("***");
  for (const [re, sub] of PATTERNS) out = out.replace(re, sub);
  return out;
}

/** The secrets found in the environment that stores read, so messages never echo them. */
export function envSecrets(env: NodeJS.ProcessEnv = process.env): string[] {
  const names = ["AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AZURE_STORAGE_KEY", "AZURE_STORAGE_ACCOUNT_KEY", "AZURE_STORAGE_SAS_TOKEN", "AZURE_STORAGE_CONNECTION_STRING"];
  return names.map((n) => env[n]).filter((v): v is string => !!v);
}
