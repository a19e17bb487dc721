/**
 * Slack mrkdwn escaping. Every string from a person or the corpus goes through here before it is
 * placed in a mrkdwn text, so `<!channel>` or `<@U123>` shows as typed and pings no one.
 */

/** Escapes the three characters Slack treats as control characters in mrkdwn. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A link label: escaped, on one line, and without `|`, which would end the URL part early. */
export function escapeLinkLabel(text: string): string {
  return escapeMrkdwn(text.replace(/\s+/g, ' ').replace(/\|/g, '\u2223'));
}

/** `<url|label>` for http(s) URLs; anything else is shown as the plain escaped label. */
export function mrkdwnLink(url: string, label: string): string {
  const safeLabel = escapeLinkLabel(label);
  if (!/^https?:\/\/\S+$/i.test(url)) return safeLabel;
  const safeUrl = url.replace(/[<>|]/g, (c) => encodeURIComponent(c));
  return `<${safeUrl}|${safeLabel}>`;
}

/** A Slack user mention, only for a well-formed user id (never for free text). */
export function userMention(userId: string): string | undefined {
  return /^[UW][A-Z0-9]+$/.test(userId) ? `<@${userId}>` : undefined;
}
