/** True when `terms` occur in `stream` in order, each right after the last (stop words are not in either). */
export function containsSequence<T>(stream: ArrayLike<T>, terms: ArrayLike<T>): boolean {
  if (terms.length === 0) return true;
  for (let start = 0; start < stream.length; start++) {
    if (stream[start] !== terms[0]) continue;
    let at = start;
    let ok = true;
    for (let k = 1; k < terms.length && ok; k++) {
      ok = false;
      for (let j = at + 1; j <= at + 1 && j < stream.length; j++) {
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

/** How many times `terms` occur in `stream` side by side, in order. */
export function countSequence<T>(stream: ArrayLike<T>, terms: ArrayLike<T>): number {
  if (terms.length === 0) return 0;
  let count = 0;
  for (let start = 0; start + terms.length <= stream.length; start++) {
    let k = 0;
    while (k < terms.length && stream[start + k] === terms[k]) k++;
    if (k === terms.length) count++;
  }
  return count;
}
