// The account's limits and permissions: what `GET /account/endpoints` (free) says this key may do on the endpoint a run uses.
import type { NodeExecutionHint } from 'n8n-workflow';

import { deniedFields } from '../planning/fieldPaths';
import { CANCELLED, connectionProblem, fieldsDenied, KEY_REJECTED, type HttpAnswer } from '../transport/answerPolicy';
import type { CrustdataClient } from '../transport/client';
import { isRecord, numberFrom, type EnrichSettings, type ItemFailure, type EnrichOperation, type RateLimit } from '../types';
import { OPERATION_NAME, ENDPOINT } from '../vocabulary';

/**
 * Asked once per run before anything billable is sent. An answer the node cannot judge never
 * blocks a run: it goes ahead on Crustdata's defaults.
 */

const ACCOUNT_ENDPOINTS_PATH = '/account/endpoints';

/** Crustdata's documented default for the enrich endpoints. */
const DEFAULT_REQUESTS_PER_MINUTE = 15;

/** A free, small GET: when it is slow, the run should not wait long to go ahead without it. */
export const DISCOVERY_TIMEOUT_MS = 10_000;

export interface EndpointAccess {
	path: string;
	enabled: boolean;
	/** `effective_rate_limit_rpm`: this account's limit on this endpoint. */
	endpointLimit?: number;
	/** `token_limit_rpm`: the key's limit across all endpoints together. */
	keyLimit?: number;
	/** `fields.enabled`: sections and paths the account gets here; undefined when the answer lists none. */
	enabledFields?: string[];
	/** `fields.disabled`: sections and paths the account is denied on this endpoint. */
	disabledFields: string[];
}

/** What the account's answer says, or why it says nothing the node can use. */
export type AccountReading =
	| { access: EndpointAccess }
	/** `statusCode`: the answer's, when there was one. */
	| { unreadable: string; statusCode?: number }
	| { refusal: ItemFailure };

export interface AccountVerdict {
	rateLimit: RateLimit;
	/** Set when the run must send nothing billable: every input fails with it. */
	refusal?: ItemFailure;
	/** Set when the account could not be read, to say what the run went ahead without. */
	hint?: NodeExecutionHint;
}

/** A limit as a whole number of requests: a fraction of a request cannot be sent. */
function limitFrom(value: unknown): number | undefined {
	const limit = numberFrom(value);
	return limit !== undefined && limit >= 1 ? Math.floor(limit) : undefined;
}

const strings = (value: unknown) =>
	Array.isArray(value) ? value.filter((entry): entry is string => typeof entry === 'string') : [];

/** Reads the answer to `GET /account/endpoints?path=<path>`. */
export function readEndpointAccess(answer: HttpAnswer, path: string): AccountReading {
	if (answer.statusCode === 401) return { refusal: KEY_REJECTED };
	if (answer.statusCode !== 200) return { unreadable: `it answered ${answer.statusCode}`, statusCode: answer.statusCode };
	const { body } = answer;
	if (!isRecord(body) || !Array.isArray(body.endpoints)) return { unreadable: 'its answer had an unexpected shape' };
	const endpoint = body.endpoints.find((candidate) => isRecord(candidate) && candidate.path === path);
	if (!isRecord(endpoint)) return { unreadable: `its answer did not list ${path}` };
	// One of Crustdata's pages calls `not_enabled` `disabled`; any other word is news to the node.
	if (!['enabled', 'not_enabled', 'disabled'].includes(endpoint.status as string)) {
		return {
			unreadable:
				typeof endpoint.status === 'string'
					? `its answer gave ${path} the unknown status "${endpoint.status.slice(0, 40)}"`
					: `its answer gave ${path} no status`,
		};
	}
	const fields = isRecord(endpoint.fields) ? endpoint.fields : {};
	return {
		access: {
			path,
			enabled: endpoint.status === 'enabled',
			endpointLimit: limitFrom(endpoint.effective_rate_limit_rpm),
			keyLimit: limitFrom(body.token_limit_rpm),
			enabledFields: Array.isArray(fields.enabled) && fields.enabled.length > 0 ? strings(fields.enabled) : undefined,
			disabledFields: strings(fields.disabled),
		},
	};
}

/**
 * The limit to pace at: the lowest of the endpoint's limit, the key's limit and Max Requests Per
 * Minute (0 leaves it to the account), or Crustdata's default when none is known.
 */
export function resolveRateLimit(maxRequestsPerMinute: number, access?: EndpointAccess): RateLimit {
	const known: RateLimit[] = [
		...(access?.endpointLimit ? [{ requestsPerMinute: access.endpointLimit, source: `the account's limit for ${access.path}` }] : []),
		...(access?.keyLimit ? [{ requestsPerMinute: access.keyLimit, source: "the account's limit across all endpoints" }] : []),
		...(maxRequestsPerMinute > 0
			? [{ requestsPerMinute: Math.max(1, Math.floor(maxRequestsPerMinute)), source: "the node's Max Requests Per Minute" }]
			: []),
	];
	if (known.length === 0) {
		return {
			requestsPerMinute: DEFAULT_REQUESTS_PER_MINUTE,
			source: access ? "Crustdata's default, as the account reports no limit" : "Crustdata's default",
		};
	}
	return known.reduce((lowest, limit) => (limit.requestsPerMinute < lowest.requestsPerMinute ? limit : lowest));
}

/** What a run went ahead without, when the account's answer about `path` could not be read. */
export function unreadableHint(why: string, path: string, rateLimit: RateLimit): NodeExecutionHint {
	return {
		message:
			`Could not read this account's limits for ${path} from Crustdata (${why}), so its fields were not checked ` +
			`before sending and it was paced at ${rateLimit.requestsPerMinute} requests a minute`,
		type: 'info',
		location: 'outputPane',
	};
}

/**
 * The key's limit across endpoints, for a run that sends to two: what `token_limit_rpm` allows,
 * and never more than Max Requests Per Minute in all.
 */
export function sharedLimit(maxRequestsPerMinute: number, ...readings: AccountReading[]): number | undefined {
	const keyLimits = readings.flatMap((reading) => ('access' in reading && reading.access.keyLimit ? [reading.access.keyLimit] : []));
	const limits = [...keyLimits, ...(maxRequestsPerMinute > 0 ? [Math.max(1, Math.floor(maxRequestsPerMinute))] : [])];
	return limits.length > 0 ? Math.min(...limits) : undefined;
}

function endpointNotEnabled(operation: EnrichOperation): ItemFailure {
	return {
		source: 'api',
		message: `Your Crustdata plan does not include ${OPERATION_NAME[operation]} (${ENDPOINT[operation]})`,
		description: {
			enrichLive: "Ask Crustdata to upgrade your plan, or use the Enrich operation, which reads Crustdata's cached dataset",
			enrichBatch: 'Ask Crustdata to enable batch jobs for your account, or use the Enrich operation, which sends requests at the rate limit',
			enrich: 'Ask Crustdata to enable this endpoint for your account',
		}[operation],
	};
}

/** What the run may do, decided from the account's answer before any credit is spent. */
export function judgeAccount(reading: AccountReading, settings: EnrichSettings): AccountVerdict {
	const { maxRequestsPerMinute } = settings.pacing;
	if ('refusal' in reading) return { rateLimit: resolveRateLimit(maxRequestsPerMinute), refusal: reading.refusal };
	if ('unreadable' in reading) {
		const rateLimit = resolveRateLimit(maxRequestsPerMinute);
		return { rateLimit, hint: unreadableHint(reading.unreadable, ENDPOINT[settings.operation], rateLimit) };
	}
	const { access } = reading;
	const rateLimit = resolveRateLimit(maxRequestsPerMinute, access);
	if (!access.enabled) return { rateLimit, refusal: endpointNotEnabled(settings.operation) };
	const denied = deniedFields(settings.fields, access.disabledFields);
	return denied.length > 0 ? { rateLimit, refusal: fieldsDenied(denied) } : { rateLimit };
}

/** Asks Crustdata what this account may do on `path`; cancelled while asking, nothing billable may follow. */
export async function askAccount(client: CrustdataClient, path: string, settings: EnrichSettings): Promise<AccountReading> {
	const timeoutMs = Math.min(settings.pacing.timeoutMs, DISCOVERY_TIMEOUT_MS);
	let reading: AccountReading;
	try {
		reading = readEndpointAccess(await client.get(ACCOUNT_ENDPOINTS_PATH, { path }, timeoutMs), path);
	} catch (error) {
		reading = { unreadable: connectionProblem(error, timeoutMs) };
	}
	return client.signal?.aborted ? { refusal: CANCELLED } : reading;
}
