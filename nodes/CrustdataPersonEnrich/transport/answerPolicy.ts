// The answer policy (pure): what each answer means for its identifiers (keep, retry, wait, narrow down or stop), and how long a wait is.
import type { IDataObject } from 'n8n-workflow';

import { normaliseBusinessEmail, normaliseProfileUrl } from '../planning/requestPlanning';
import { sentences } from '../quantities';
import { isRecord, type ApiEntry, type ItemFailure } from '../types';

const BACKOFF_BASE_MS = 1_000;
const FALLBACK_RATE_LIMIT_WAIT_MS = 5_000;

/** Crustdata's rate-limit window: no wait it asks for can rightly be longer. */
export const LONGEST_SERVER_WAIT_MS = 60_000;

export interface HttpAnswer {
	statusCode: number;
	/** The status line's text, e.g. `Bad Gateway`, when the server sent one. */
	statusText?: string;
	headers: IDataObject;
	body: unknown;
}

/** A header's value as a number of 0 or more; anything else (missing, negative, not a number) counts as absent. */
export function numberHeader(headers: IDataObject, name: string): number | undefined {
	const value = headers[name];
	const parsed = typeof value === 'number' ? value : Number.parseFloat(String(value ?? ''));
	return Number.isFinite(parsed) && parsed >= 0 ? parsed : undefined;
}

/**
 * A wait the server asks for in seconds (`Retry-After`, `x-ratelimit-reset`), in ms, never longer
 * than Crustdata's window: a server asking for a day, or for 10^12 seconds, gets the window.
 */
export function serverWaitMs(headers: IDataObject, name: string): number | undefined {
	const seconds = numberHeader(headers, name);
	return seconds === undefined ? undefined : Math.min(seconds * 1000, LONGEST_SERVER_WAIT_MS);
}

/** How long a 429 asks us to wait: `Retry-After` when present, else the window's reset. */
export function rateLimitWaitMs(headers: IDataObject): number {
	return serverWaitMs(headers, 'retry-after') ?? serverWaitMs(headers, 'x-ratelimit-reset') ?? FALLBACK_RATE_LIMIT_WAIT_MS;
}

export function withJitter(ms: number): number {
	return ms + Math.random() * Math.min(1_000, ms * 0.1 + 100);
}

/** About 1 s, 2 s, 4 s ... with ±25 % jitter so parallel clients do not retry in step. */
export function backoffMs(attempt: number): number {
	return BACKOFF_BASE_MS * 2 ** (attempt - 1) * (0.75 + Math.random() * 0.5);
}

export type Classified =
	| { kind: 'answered'; entries: ApiEntry[] }
	| { kind: 'failed'; message: string; description: string }
	| { kind: 'rateLimited'; waitMs: number }
	| { kind: 'transient'; reason: string }
	| { kind: 'rejected'; identifiers: string[]; message: string }
	| { kind: 'rejectedUnnamed'; message: string }
	| { kind: 'stop'; failure: ItemFailure }
	/** The request as planned cannot be answered, but the request as it is built now can: send it again. */
	| { kind: 'resend' };

/** The most of a plain-text error body a message quotes. */
const LONGEST_QUOTED_TEXT = 200;

/** A page's `<title>`: all a message should quote of an HTML error page. */
function htmlTitle(html: string): string {
	const title = /<title[^>]*>([^<]*)<\/title>/i.exec(html)?.[1] ?? '';
	return title.replace(/\s+/g, ' ').trim().slice(0, LONGEST_QUOTED_TEXT);
}

export function errorMessage(body: unknown): string {
	if (typeof body === 'string') {
		return /^\s*<(?:!doctype|html|head|body)/i.test(body) ? htmlTitle(body) : body.trim().slice(0, LONGEST_QUOTED_TEXT);
	}
	if (body && typeof body === 'object') {
		const { error, message } = body as { error?: { message?: unknown } | string; message?: unknown };
		if (typeof error === 'object' && typeof error?.message === 'string') return error.message;
		if (typeof error === 'string') return error;
		if (typeof message === 'string') return message;
	}
	return '';
}

export function errorMetadata(body: unknown): IDataObject {
	const metadata = (body as { error?: { metadata?: unknown } } | undefined)?.error?.metadata;
	return isRecord(metadata) ? metadata : {};
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The identifiers of the request that a 400's message names, however the list is punctuated. */
export function identifiersNamedIn(message: string, identifiers: string[]): string[] {
	return identifiers.filter((identifier) =>
		new RegExp(`(^|[\\s,:;'"\\[(])${escapeRegExp(identifier)}/?(?=$|[\\s,;'"\\])]|\\.(?:\\s|$))`, 'i').test(message),
	);
}

function stop(message: string, description: string, httpCode?: number): Classified {
	return { kind: 'stop', failure: { source: 'api', message, description, httpCode: httpCode?.toString() } };
}

export const KEY_REJECTED: ItemFailure = {
	source: 'api',
	message: 'Crustdata rejected the API key',
	description: 'Check the API Key in the Crustdata Enrich API credential; keys are on the Crustdata dashboard',
	httpCode: '401',
	endsRun: true,
};

export const CANCELLED: ItemFailure = {
	source: 'api',
	message: 'The execution was cancelled',
	description: 'Run the node again for the remaining items',
	endsRun: true,
};

/** A request the rate limit would hold past the run's wait deadline: answered now, with when to try again. */
export function rateLimitedFor(waitMs: number): ItemFailure {
	return {
		source: 'api',
		message: `Rate limited by Crustdata, retry in ${Math.max(1, Math.ceil(waitMs / 1000))} s`,
		description: '',
		httpCode: '429',
		endsRun: true,
	};
}

/** A request the run's send deadline came before: earlier answers took the time it had. */
export const OUT_OF_TIME: ItemFailure = {
	source: 'api',
	message: 'Not sent: Crustdata answered too slowly for this call to finish in time',
	description: 'Call again',
	endsRun: true,
};

const outOfCredits = (statusCode: number): ItemFailure => ({
	source: 'api',
	message: 'The Crustdata account is out of credits',
	description: 'Top up credits in the Crustdata dashboard, then run the node again for the remaining items',
	httpCode: String(statusCode),
	endsRun: true,
	outOfCredits: true,
});

const EMAIL_LOOKUP_REFUSED: ItemFailure = {
	source: 'api',
	message: 'Crustdata no longer looks people up by business email on this account',
	description: "Set Identifier Type to Profile URL and map the person's LinkedIn profile URL, or ask Crustdata to enable email lookups",
	httpCode: '400',
};

/** Fields the account may not have, whether a 403 or the account's own listing says so. */
export function fieldsDenied(fields: string[]): ItemFailure {
	const [what, them] = fields.length === 1 ? ['field', 'it'] : ['fields', 'them'];
	return {
		source: 'api',
		message: `Your Crustdata plan does not include the ${what} ${fields.map((field) => `'${field}'`).join(', ')}`,
		description: `Remove ${them} from Fields or Extra Field Paths, or ask Crustdata to enable ${them} for your account`,
	};
}

function classifyBadRequest(message: string, body: unknown, identifiers: string[], matchType: string): Classified {
	const named = identifiersNamedIn(message, identifiers);
	if (named.length > 0) return { kind: 'rejected', identifiers: named, message };
	const availableFields = errorMetadata(body).available_fields;
	// The identifier field itself, not a contact tier such as `contact.business_emails`.
	if (matchType === 'business_email' && !availableFields && /(?<![\w.])business_emails\b/.test(message)) {
		return { kind: 'stop', failure: EMAIL_LOOKUP_REFUSED };
	}
	if (availableFields || /\bfields?\b/i.test(message)) {
		return stop(
			`Crustdata rejected the requested fields: ${message}`,
			'Check Fields and Extra Field Paths; every path must start with a section name, e.g. basic_profile.summary',
			400,
		);
	}
	if (/x-api-version/i.test(message)) {
		return stop(
			`Crustdata rejected the API version: ${message}`,
			'Check API Version in the Crustdata Enrich API credential (2025-11-01 is the tested one)',
			400,
		);
	}
	if (/preview/i.test(message)) {
		return stop(`Crustdata refused the preview: ${message}`, 'Turn off the Preview option', 400);
	}
	if (/not supported|not available|not enabled|identifier type|min_similarity/i.test(message)) {
		return stop(
			`Crustdata refused the request: ${message}`,
			'Check Operation and Identifier Type; Crustdata may not offer this lookup on your plan or API version',
			400,
		);
	}
	return { kind: 'rejectedUnnamed', message };
}

/** A redirect's target as a message may name it: its origin (never a user name or password), or the path on the same address. */
function redirectTarget(location: unknown): string | undefined {
	if (typeof location !== 'string' || location.trim() === '') return undefined;
	try {
		return new URL(location).origin;
	} catch {
		return `${location.slice(0, 100)} on the same address`;
	}
}

/** A redirect, never followed: the key would go with it. It ends the run, as every request goes to the same address. */
function redirected(answer: HttpAnswer): ItemFailure {
	const target = redirectTarget(answer.headers.location);
	return {
		source: 'api',
		message: target
			? `Crustdata's address redirected the request to ${target}`
			: `Crustdata's address answered ${answer.statusCode}, a redirect`,
		description: sentences(
			"The node doesn't follow redirects, so the API key wasn't sent on",
			'Check Base URL in the Crustdata Enrich API credential: it must be the API address, e.g. https://api.crustdata.com',
		),
		httpCode: String(answer.statusCode),
		endsRun: true,
	};
}

/** A 404 from an address that does not serve Crustdata's routes at all, so the request never reached Crustdata. */
function routeMissing(path: string): ItemFailure {
	return {
		source: 'api',
		message: `Crustdata answered 404 for ${path}: check Base URL`,
		description: "Base URL in the Crustdata Enrich API credential must be the API address alone, e.g. https://api.crustdata.com",
		httpCode: '404',
		endsRun: true,
	};
}

/**
 * Whether a 404 means the route does not exist rather than Crustdata's "no data": its body names
 * a missing route or is not JSON, or the account listing, which every Crustdata account has,
 * answered 404 in the same run.
 */
function isMissingRoute(body: unknown, listingAnswered404: boolean): boolean {
	return listingAnswered404 || typeof body === 'string' || /\bno route for\b/i.test(errorMessage(body));
}

const isMatch = (match: unknown) =>
	isRecord(match) && (match.person_data === undefined || match.person_data === null || isRecord(match.person_data));

/** An entry the node can read: a record with a string `matched_on` and a list of record matches. */
const isEntry = (entry: unknown): entry is ApiEntry =>
	isRecord(entry) && typeof entry.matched_on === 'string' && Array.isArray(entry.matches) && entry.matches.every(isMatch);

/**
 * The readable entries of a 200 that answer this request's own identifiers. A malformed entry,
 * or one for an identifier the request did not carry, is left out: its input then has no entry,
 * and no other input's result can be replaced by it.
 */
export function entriesForRequest(body: unknown[], identifiers: string[], matchType: string): ApiEntry[] {
	const normalise = matchType === 'business_email' ? normaliseBusinessEmail : normaliseProfileUrl;
	const sent = new Set(identifiers);
	return body.filter(isEntry).filter((entry) => {
		if (sent.has(entry.matched_on)) return true;
		const normalised = normalise(entry.matched_on);
		return 'identifier' in normalised && sent.has(normalised.identifier);
	});
}

/** What the run knows besides the answer itself. */
export interface AnswerContext {
	/** The path the request went to, for the messages that name it. */
	path?: string;
	/** `GET /account/endpoints` answered 404 in this run: a 404 is then a missing route, not "no data". */
	listingAnswered404?: boolean;
}

/** What an answer means for the request's identifiers: the policy in one place. */
export function classifyAnswer(
	answer: HttpAnswer,
	identifiers: string[],
	matchType: string,
	{ path = 'this request', listingAnswered404 = false }: AnswerContext = {},
): Classified {
	const { statusCode, headers, body } = answer;
	const message = errorMessage(body);
	if (statusCode >= 200 && statusCode < 300) {
		if (Array.isArray(body)) return { kind: 'answered', entries: entriesForRequest(body, identifiers, matchType) };
		// Sending it again could bill it again, so a malformed success is not retried.
		return {
			kind: 'failed',
			message: 'Crustdata answered with something other than a list of results',
			description: 'Check Base URL in the credential: it must point at the Crustdata API',
		};
	}
	if (statusCode >= 300 && statusCode < 400) return { kind: 'stop', failure: redirected(answer) };
	if (statusCode === 404) {
		if (isMissingRoute(body, listingAnswered404)) return { kind: 'stop', failure: routeMissing(path) };
		// Crustdata documents 404 as "no data": every identifier of the request is a no-match.
		return {
			kind: 'answered',
			entries: identifiers.map((matched_on) => ({ matched_on, match_type: matchType, matches: [] })),
		};
	}
	if (statusCode === 429) return { kind: 'rateLimited', waitMs: rateLimitWaitMs(headers) };
	if (statusCode >= 500) {
		const why = message || answer.statusText;
		return { kind: 'transient', reason: `Crustdata answered ${statusCode}${why ? ` (${why})` : ''}` };
	}
	if (statusCode === 401) return { kind: 'stop', failure: KEY_REJECTED };
	if (statusCode === 402 || (statusCode === 403 && /credit/i.test(message))) {
		return { kind: 'stop', failure: outOfCredits(statusCode) };
	}
	if (statusCode === 403) {
		const field = /'([a-z_]+(?:\.[a-z_]+)*)'/.exec(message)?.[1];
		return field
			? { kind: 'stop', failure: { ...fieldsDenied([field]), httpCode: '403' } }
			: stop(`Crustdata denied access: ${message || answer.statusText || 'no reason given'}`, 'Check that your Crustdata plan includes this operation', 403);
	}
	if (statusCode === 400) return classifyBadRequest(message, body, identifiers, matchType);
	return stop(`Crustdata answered ${statusCode}: ${message || answer.statusText || 'no reason given'}`, 'Check the node settings and the credential', statusCode);
}

/** The system error code (`ECONNRESET`, ...) of a failed request, wherever n8n's wrapping keeps it. */
export function failureCode(error: unknown): string | null {
	// n8n wraps the HTTP client's error in a NodeApiError that keeps the code as `httpCode`.
	const { code, httpCode, cause } = (error ?? {}) as { code?: unknown; httpCode?: unknown; cause?: { code?: unknown } };
	const found = [code, httpCode, cause?.code].find((candidate) => typeof candidate === 'string' && /^E[A-Z_]+$/.test(candidate));
	return typeof found === 'string' ? found : null;
}

/** A short, key-free description of a failed connection. */
export function connectionProblem(error: unknown, timeoutMs: number): string {
	const code = failureCode(error);
	if (code === 'ECONNABORTED' || code === 'ETIMEDOUT') return `no answer within ${timeoutMs / 1000} s (timed out)`;
	return code ? `the connection failed (${code})` : 'the connection failed';
}
