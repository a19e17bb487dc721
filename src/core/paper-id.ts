/**
 * The id every example shows, in chat and on the command line alike: a real seed paper
 * ("Sliced Recursive Transformer"), so the example works when typed as is.
 */
export const EXAMPLE_PAPER_ID = 'p-h1gph9bfn5';

/** Ids are lower case ("p-" and ten of 0-9a-z); one typed or pasted in upper case still finds its paper. */
export function normalizePaperId(typed: string): string {
  return typed.trim().toLowerCase();
}
