/**
 * Where the Crustdata API key may be sent. The key is a bearer token: over plain HTTP anyone
 * on the path can read it, so only `https://` is allowed, except to this machine's own
 * loopback addresses, where the sandbox and local proxies run.
 */

const LOOPBACK_HOST = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i;

export function isLoopbackHost(hostname: string): boolean {
	return LOOPBACK_HOST.test(hostname);
}

/** Why the key must not travel to this URL, or undefined when it may. */
export function insecureUrlReason(url: string): string | undefined {
	let parsed: URL;
	try {
		parsed = new URL(url);
	} catch {
		return `"${url}" is not a valid URL`;
	}
	if (parsed.protocol === 'https:') return undefined;
	if (parsed.protocol === 'http:' && isLoopbackHost(parsed.hostname)) return undefined;
	return `"${parsed.origin}" does not use https://, so the API key would travel in clear text`;
}

/** The base URL without trailing slashes, ready for a path to be appended. */
export function trimBaseUrl(baseUrl: string): string {
	return baseUrl.trim().replace(/\/+$/, '');
}
