/**
 * The User-Agent of every export-API request. arXiv asks API clients to identify themselves so
 * it can reach whoever runs one that misbehaves; `contact` (an email or URL) is the deployer's.
 */
export function arxivUserAgent(version: string, contact: string | null): string {
  const who = contact ? `; contact: ${contact}` : '';
  return `Paperboy/${version} (self-hosted research-paper digest bot; metadata of listed categories, one request every 3 s at most${who})`;
}
