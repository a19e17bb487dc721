import { createHash } from 'node:crypto';

/** Lower-case, runs of non-word characters (Unicode-aware, like Python's \W) to one space, trimmed. */
export function normalizeTitle(title: string): string {
  return title.toLowerCase().replace(/[^\p{L}\p{N}_]+/gu, ' ').trim();
}

const BASE32 = '0123456789abcdefghjkmnpqrstvwxyz';
/** 10 base32 characters = 50 bits: collisions stay unlikely even at a million papers. */
export const ID_LENGTH = 10;

/** A stable id from the normalized title, so it survives restarts and file re-ordering. */
export function paperId(title: string): string {
  const digest = createHash('sha256').update(normalizeTitle(title)).digest();
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
  return text.replace(/\s+/gu, ' ').trim();
}
