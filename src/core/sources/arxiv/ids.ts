/** arXiv identifiers: `2401.12345v2` (since 2007) and `hep-th/9901001v1` (before). */

export interface ArxivIdentifier {
  /** The id without its version: every version of a paper shares it. */
  id: string;
  /** The version number, or null when the id carried none. */
  version: number | null;
}

const MODERN = /^(\d{4}\.\d{4,5})(?:v(\d+))?$/;
const OLD_STYLE = /^([a-z][a-z-]*(?:\.[A-Z]{2})?\/\d{7})(?:v(\d+))?$/;

/**
 * Reads an arXiv id from an entry id such as `http://arxiv.org/abs/2401.12345v2`, a bare
 * `2401.12345`, or `arXiv:2401.12345v2`. Returns null for anything else.
 */
export function parseArxivId(text: string): ArxivIdentifier | null {
  let rest = text.trim();
  const abs = /^https?:\/\/(?:export\.|www\.)?arxiv\.org\/abs\//i.exec(rest);
  if (abs) rest = rest.slice(abs[0].length);
  else rest = rest.replace(/^arxiv:/i, '');
  const match = MODERN.exec(rest) ?? OLD_STYLE.exec(rest);
  if (!match) return null;
  return { id: match[1]!, version: match[2] === undefined ? null : Number(match[2]) };
}

/** The abstract page of a paper, without a version so it always shows the latest. */
export function arxivAbsUrl(id: string): string {
  return `https://arxiv.org/abs/${id}`;
}

/** Category names as arXiv spells them: `cs.LG`, `stat.ML`, `hep-th`, `astro-ph.CO`, `q-bio.NC`. */
const CATEGORY = /^[a-z][a-z-]*(?:\.[A-Za-z][A-Za-z-]*)?$/;

export function isArxivCategory(name: string): boolean {
  return name.length <= 32 && CATEGORY.test(name);
}
