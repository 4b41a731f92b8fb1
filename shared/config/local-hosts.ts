// Hosts a request cannot leave this machine for: plain http/ws to them is how local runs and tests reach
// the simulator and moto_server, and it is never a way for credentials to cross a network in clear text.

const IPV4_LOOPBACK = /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;

/**
 * Loopback (127.0.0.0/8, ::1, `localhost` and `*.localhost`, RFC 6761 6.3), or the reserved `.invalid`
 * top-level domain, which never resolves (RFC 6761 6.4): the in-process simulator's base URL uses it, so
 * such a request can only reach a dispatcher inside this process.
 */
export function isLocalOnlyHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/\.$/, '');
  return (
    IPV4_LOOPBACK.test(host) ||
    host === '[::1]' ||
    host === 'localhost' ||
    host.endsWith('.localhost') ||
    host.endsWith('.invalid')
  );
}

/** The URL's host is local-only; false for text that is not a URL */
export const isLocalOnlyUrl = (url: string): boolean => URL.canParse(url) && isLocalOnlyHost(new URL(url).hostname);
