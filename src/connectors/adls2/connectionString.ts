// Azure Storage connection strings (`AccountName=…;AccountKey=…;BlobEndpoint=…`), without the SDK.

/** Keys lower-cased; values kept whole (base64 keys end in `=`). */
export function parseConnectionString(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of text.split(";")) {
    const at = part.indexOf("=");
    if (at > 0) out[part.slice(0, at).trim().toLowerCase()] = part.slice(at + 1).trim();
  }
  return out;
}
