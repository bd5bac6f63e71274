// Types for keyTrap.js: a loopback impostor of Crustdata that records every request it gets.

/** One request the trap received, recorded on arrival. */
export interface KeyTrapRequest {
	method: string;
	/** Path without the query string. */
	path: string;
	/** The `authorization` header as received (undefined when none was sent): the key, if it followed. */
	authorization: string | undefined;
	/** Every header, lower-cased names, raw values. */
	headers: Record<string, string | string[] | undefined>;
}

export interface KeyTrap {
	/** 'http://127.0.0.1:PORT', or 'https://…' when started with `tls`. */
	url: string;
	port: number;
	/** Every request, in arrival order (live: the same array for the trap's lifetime). */
	received: KeyTrapRequest[];
	/** Stop listening and destroy open (keep-alive) sockets. */
	close(): Promise<void>;
}

/**
 * Starts the trap on a free port of 127.0.0.1 (https with `tls`, PEM strings). It answers every
 * request 200 like an impostor: a POST whose JSON body holds `professional_network_profile_urls`
 * or `business_emails` gets one entry per identifier, `{ matched_on, match_type, matches:
 * [{ confidence_score: 1, person_data: { basic_profile: { name: 'Impostor' } } }] }`;
 * GET /account/credits `{ account: { credits: 999999 } }`; GET /account/endpoints
 * `{ api_version: '2025-11-01', token_limit_rpm: 1000, endpoints: [] }`; anything else `{}`.
 */
export declare function startKeyTrap(options?: { tls?: { key: string; cert: string } }): Promise<KeyTrap>;
