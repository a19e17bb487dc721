import { MessageFlags, Routes, type Client } from 'discord.js';
import type { Logger } from '../../core/log.js';
import { NO_MENTIONS } from './deliverer.js';

type Packet = { t?: string | null; d?: Record<string, unknown> } | undefined;
type PacketHandler = (packet: Packet, shard: unknown) => boolean;

export const GATEWAY_APOLOGY = 'Sorry, I could not read that request. Please try again.';

/**
 * Contains every gateway dispatch: discord.js builds its objects from each packet inside the
 * socket's event handler, where one missing field (an older INTERACTION_CREATE without
 * `entitlements`, or with neither `member` nor `user`) throws and ends the process. Known gaps
 * are filled with their empty values first; anything that still throws is logged and skipped,
 * and an interaction that cannot be built still gets an apology, so nobody waits on a spinner.
 *
 * It wraps discord.js's one entry point for dispatches (WebSocketManager#handlePacket), an
 * internal method: start() checks it exists, so an upgrade that renames it fails loudly.
 */
export function guardGateway(client: Client, log: Logger): void {
  const ws = client.ws as unknown as { handlePacket?: PacketHandler };
  if (typeof ws.handlePacket !== 'function') throw new Error('paperboy: discord.js no longer has WebSocketManager#handlePacket; update gateway-guard.ts');
  const original = ws.handlePacket.bind(ws);
  ws.handlePacket = (packet, shard) => {
    try {
      return original(fillGaps(packet), shard);
    } catch (err) {
      log.error({ err, event: packet?.t }, 'discord gateway event could not be handled; skipped it');
      if (packet?.t === 'INTERACTION_CREATE') void apologise(client, packet.d, log);
      return true;
    }
  };
}

function fillGaps(packet: Packet): Packet {
  if (packet?.t !== 'INTERACTION_CREATE' || !packet.d) return packet;
  const d = packet.d;
  d.entitlements ??= [];
  d.authorizing_integration_owners ??= {};
  return packet;
}

async function apologise(client: Client, d: Record<string, unknown> | undefined, log: Logger): Promise<void> {
  const { id, token, type } = d ?? {};
  // Autocomplete (type 4) cannot take a message; pings (type 1) never reach the gateway.
  if (typeof id !== 'string' || typeof token !== 'string' || type === 4) return;
  try {
    await client.rest.post(Routes.interactionCallback(id, token), {
      body: { type: 4, data: { content: GATEWAY_APOLOGY, flags: MessageFlags.Ephemeral, allowed_mentions: NO_MENTIONS } },
      auth: false,
    });
  } catch (err) {
    log.warn({ err: (err as Error).message }, 'could not answer an interaction discord.js could not read');
  }
}
