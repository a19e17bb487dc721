/** Platform-neutral shapes shared by the core, the commands and every adapter. */

export type Platform = 'slack' | 'discord' | 'console';

/** One research paper, as loaded from the corpus. */
export interface Paper {
  /** Stable id derived from the normalized title: survives restarts and file re-ordering. */
  id: string;
  title: string;
  abstract: string;
  /** Link to the paper, or to a search for its title where no URL is known. */
  url: string;
  published?: string;
  authors?: string[];
  /** The arXiv id without version (e.g. "2401.12345"), when a source or the link tells it. */
  arxivId?: string;
  /** Hugging Face Daily Papers upvotes at the last fetch. */
  upvotes?: number;
  /** arXiv categories the paper is listed in, the primary one first (e.g. ["cs.LG", "stat.ML"]). */
  categories?: string[];
}

/** A person on one platform. */
export interface UserKey {
  platform: Platform;
  workspace: string;
  user: string;
}

/** A channel on one platform. */
export interface ChannelKey {
  platform: Platform;
  workspace: string;
  channel: string;
}

/** Where a digest goes: a channel, or a user's direct messages. */
export interface Target {
  platform: Platform;
  workspace: string;
  kind: 'channel' | 'user';
  id: string;
}

export function targetKey(t: Target): string {
  return `${t.platform}:${t.workspace}:${t.kind}:${t.id}`;
}

/** Where a user's DM digest goes. */
export function dmTarget(user: UserKey): Target {
  return { platform: user.platform, workspace: user.workspace, kind: 'user', id: user.user };
}
