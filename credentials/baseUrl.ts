// Where the Crustdata API key may be sent, and what makes a Base URL unusable as the start of every request.

/**
 * The key is a bearer token: over plain HTTP anyone on the path can read it, so only `https://`
 * is allowed, except to this machine's own loopback addresses, where the sandbox and local
 * proxies run.
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
		return `"${url.slice(0, 100)}" is not a valid URL`;
	}
	if (parsed.protocol === 'https:') return undefined;
	if (parsed.protocol === 'http:' && isLoopbackHost(parsed.hostname)) return undefined;
	return `"${parsed.origin}" does not use https://, so the API key would travel in clear text`;
}

/**
 * What makes a Base URL unusable as the start of every request, or undefined. Paths are
 * appended to it, so a query string or a fragment would swallow them, and a user name or
 * password in it would travel with every request.
 */
export function baseUrlMistake(baseUrl: string): string | undefined {
	let parsed: URL;
	try {
		parsed = new URL(baseUrl);
	} catch {
		return undefined;
	}
	if (parsed.username || parsed.password) return 'it contains a user name or password (user:pass@)';
	if (parsed.search) return 'it contains a query string (?…)';
	if (parsed.hash) return 'it contains a fragment (#…)';
	return undefined;
}

/** Why the node must not send a request with the key to this URL, and what to change; undefined when it may. */
export function baseUrlRefusal(url: string): { message: string; description: string } | undefined {
	const insecure = insecureUrlReason(url);
	if (insecure) {
		return {
			message: `Refusing to send the Crustdata API key: ${insecure}`,
			description: "Set the credential's Base URL to an https:// address",
		};
	}
	const mistake = baseUrlMistake(url);
	if (mistake) {
		return {
			message: `The credential's Base URL can't be used: ${mistake}`,
			description: "Set the credential's Base URL to the API's address alone, e.g. https://api.crustdata.com",
		};
	}
	return undefined;
}

/** The base URL without trailing slashes, ready for a path to be appended. */
export function trimBaseUrl(baseUrl: string): string {
	return baseUrl.trim().replace(/\/+$/, '');
}
