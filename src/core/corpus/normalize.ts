import { hash } from 'node:crypto';

/** Lower-case, runs of non-word characters (Unicode-aware, like Python's \W) to one space, trimmed. */
export function normalizeTitle(title: string): string {
  return title.toLowerCase().replace(/[^\p{L}\p{N}_]+/gu, ' ').trim();
}

const BASE32 = '0123456789abcdefghjkmnpqrstvwxyz';
/** 10 base32 characters = 50 bits: collisions stay unlikely even at a million papers. */
export const ID_LENGTH = 10;

/** A stable id from the normalized title, so it survives restarts and file re-ordering. */
export function paperId(title: string): string {
  return hashedId(normalizeTitle(title));
}

/** The `p-` id of a fetched paper: from its arXiv id, so every version (v1, v2) is the same paper. */
export function arxivPaperId(arxivId: string): string {
  return hashedId(`arxiv:${arxivId.toLowerCase()}`);
}

function hashedId(key: string): string {
  const digest = hash('sha256', key, 'buffer') as unknown as Buffer;
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of digest) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5 && out.length < ID_LENGTH) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    if (out.length >= ID_LENGTH) break;
    value &= (1 << bits) - 1;
  }
  return `p-${out}`;
}

/** Where no URL is known, link to an arXiv title search. */
export function arxivSearchUrl(title: string): string {
  return `https://arxiv.org/search/?query=${encodeURIComponent(title)}&searchtype=title`;
}

/** Collapses whitespace runs (including non-breaking spaces) to one space. */
export function cleanText(text: string): string {
  // Most text has nothing to collapse: then only the ends are trimmed, with no scan-and-rebuild.
  if (!NEEDS_CLEANING.test(text)) return text.trim();
  return text.replace(/\s+/gu, ' ').trim();
}

/** Whitespace other than a single space: what cleanText's replace would change. */
const NEEDS_CLEANING = /[^\S ]| {2}/;

// New-style ids (2401.12345, 4-5 digits after the dot) and old-style ones (hep-th/9901001).
const ARXIV_ID = /^(?:arxiv:\s*)?((?:\d{4}\.\d{4,5})|(?:[a-z][a-z.-]*\/\d{7}))(?:v\d+)?$/i;
const ARXIV_URL = /^https?:\/\/(?:www\.|export\.)?arxiv\.org\/(?:abs|pdf|html)\/([^?#\s]+?)(?:\.pdf)?\/?(?:[?#].*)?$/i;

/**
 * The arXiv id (lower case, version dropped) in "2401.12345", "2401.12345v2", "arXiv:2401.12345"
 * or an arxiv.org abs/pdf link; undefined for anything else.
 */
export function parseArxivId(input: string): string | undefined {
  const text = input.trim();
  const fromUrl = ARXIV_URL.exec(text)?.[1];
  const match = ARXIV_ID.exec(fromUrl ?? text);
  return match?.[1]?.toLowerCase();
}

/** The canonical link of an arXiv paper. */
export function arxivAbsUrl(arxivId: string): string {
  return `https://arxiv.org/abs/${arxivId}`;
}
