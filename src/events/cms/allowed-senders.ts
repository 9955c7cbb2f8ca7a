import { BlockList, isIP } from 'node:net';

/**
 * PUSH_ALLOWED_IPS: addresses and CIDR ranges (IPv4 or IPv6, comma-separated) allowed to send
 * push events. Answers null for an empty list (everyone may send), or throws naming the entry
 * that is not an address or a range.
 */
export function parseAllowedSenders(text: string): BlockList | null {
  const entries = text
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  if (entries.length === 0) return null;
  const list = new BlockList();
  for (const entry of entries) {
    const [address, bits, extra] = entry.split('/');
    const family = isIP(address ?? '');
    const prefix = Number(bits);
    if (
      family === 0 ||
      extra !== undefined ||
      (bits !== undefined && (!/^\d+$/.test(bits) || prefix > (family === 4 ? 32 : 128)))
    ) {
      throw new Error(`"${entry}" is not an IP address or a CIDR range`);
    }
    const type = family === 4 ? 'ipv4' : 'ipv6';
    if (bits === undefined) list.addAddress(address!, type);
    else list.addSubnet(address!, prefix, type);
  }
  return list;
}

/** Whether `address` (as a socket reports it, IPv4-mapped IPv6 included) is on the list. */
export function isAllowedSender(list: BlockList, address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  const plain = mapped ? mapped[1]! : address;
  return list.check(plain, isIP(plain) === 6 ? 'ipv6' : 'ipv4');
}
