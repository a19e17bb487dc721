/** Slack between consecutive phrase terms: compound words add their joined form to the stream. */
export const PHRASE_SLACK = 1;

/** True when `terms` occur in `stream` in order, each within PHRASE_SLACK extra positions of the last. */
export function containsSequence(stream: string[], terms: string[]): boolean {
  if (terms.length === 0) return true;
  for (let start = 0; start < stream.length; start++) {
    if (stream[start] !== terms[0]) continue;
    let at = start;
    let ok = true;
    for (let k = 1; k < terms.length && ok; k++) {
      ok = false;
      for (let j = at + 1; j <= at + 1 + PHRASE_SLACK && j < stream.length; j++) {
        if (stream[j] === terms[k]) {
          at = j;
          ok = true;
          break;
        }
      }
    }
    if (ok) return true;
  }
  return false;
}
