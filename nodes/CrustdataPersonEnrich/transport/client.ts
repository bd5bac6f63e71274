// The HTTP client: the only place that talks HTTP, every request through the credential to the credential's Base URL.
import type { IDataObject, IExecuteFunctions, IHttpRequestOptions, IN8nHttpFullResponse } from 'n8n-workflow';
import * as workflow from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { baseUrlRefusal, trimBaseUrl } from '../../../credentials/baseUrl';
import { failureCode, type HttpAnswer } from './answerPolicy';
import type { Clock } from './pacer';

/**
 * Every answer comes back as status, headers and body whatever the status, so the answer policy
 * decides what an answer means; a redirect is such an answer, never followed. Nothing of an
 * answer reaches the rest of the node before the API key is taken out of it. A failed
 * connection, or no whole answer within the request's timeout, throws.
 */

export const CREDENTIAL_TYPE = 'crustdataEnrichApi';

export interface CrustdataClient {
	post(path: string, body: IDataObject): Promise<HttpAnswer>;
	get(path: string, query: IDataObject, timeoutMs: number): Promise<HttpAnswer>;
	/** Aborted when the execution is cancelled. */
	signal: AbortSignal | undefined;
}

const REDACTED = '[redacted]';

/** A bearer token as a gateway echoing the request's headers shows it. */
const BEARER_TOKEN = /\bBearer\s+(?!\[redacted\])[^\s"',;]+/gi;

/** Keys this short would match ordinary text; no real Crustdata key is. */
const SHORTEST_REDACTED_KEY = 6;

function mapStrings(value: unknown, change: (text: string) => string): unknown {
	if (typeof value === 'string') return change(value);
	if (Array.isArray(value)) return value.map((element) => mapStrings(element, change));
	if (value && typeof value === 'object') {
		return Object.fromEntries(Object.entries(value).map(([name, inner]) => [name, mapStrings(inner, change)]));
	}
	return value;
}

/**
 * The answer without the API key anywhere in it, and, outside profile data (where "Flag Bearer
 * at Acme" is a headline, not a secret), without any bearer token: some gateways echo the
 * request's headers, and whatever the node quotes of an answer reaches items, errors and agents.
 */
export function redactAnswer(answer: HttpAnswer, apiKey: string): HttpAnswer {
	const key = apiKey.length >= SHORTEST_REDACTED_KEY ? apiKey : undefined;
	const isProfileData = answer.statusCode >= 200 && answer.statusCode < 300 && Array.isArray(answer.body);
	const seen = JSON.stringify([answer.body, answer.headers, answer.statusText]) ?? '';
	const hasKey = key !== undefined && seen.includes(key);
	if (!hasKey && (isProfileData || !/bearer\s/i.test(seen))) return answer;
	const redact = (text: string) => {
		const withoutKey = key ? text.split(key).join(REDACTED) : text;
		return isProfileData ? withoutKey : withoutKey.replace(BEARER_TOKEN, `Bearer ${REDACTED}`);
	};
	return {
		statusCode: answer.statusCode,
		statusText: answer.statusText === undefined ? undefined : redact(answer.statusText),
		headers: mapStrings(answer.headers, redact) as IDataObject,
		body: mapStrings(answer.body, redact),
	};
}

/** A client for the credential's Base URL, refusing any URL the key must not travel to. */
export async function openCrustdataClient(context: IExecuteFunctions, timeoutMs: number): Promise<CrustdataClient> {
	const credentials = await context.getCredentials<{ baseUrl?: string; apiKey?: string }>(CREDENTIAL_TYPE);
	const baseUrl = trimBaseUrl(credentials.baseUrl || 'https://api.crustdata.com');
	const refusal = baseUrlRefusal(baseUrl);
	if (refusal) throw new NodeOperationError(context.getNode(), refusal.message, { description: refusal.description });
	const apiKey = typeof credentials.apiKey === 'string' ? credentials.apiKey : '';
	const signal = context.getExecutionCancelSignal?.();
	const request = async (options: IHttpRequestOptions & { timeout: number }): Promise<HttpAnswer> => {
		const startedAt = Date.now();
		let response: IN8nHttpFullResponse;
		try {
			// The credential turns `timeout` into a deadline for the whole answer.
			response = (await context.helpers.httpRequestWithAuthentication.call(context, CREDENTIAL_TYPE, {
				...options,
				url: `${baseUrl}${options.url}`,
				json: true,
				returnFullResponse: true,
				ignoreHttpStatusErrors: true,
			})) as IN8nHttpFullResponse;
		} catch (error) {
			// Only the failure's code travels on: the send loop reads it, and nothing else of the request may.
			const timedOut = !signal?.aborted && Date.now() - startedAt >= options.timeout;
			throw new NodeApiError(context.getNode(), { message: 'The request failed' }, { httpCode: timedOut ? 'ETIMEDOUT' : (failureCode(error) ?? undefined) });
		}
		const { statusCode, headers, body, statusMessage } = response;
		return redactAnswer({ statusCode, statusText: statusMessage, headers: headers ?? {}, body }, apiKey);
	};
	return {
		post: async (path, body) => await request({ method: 'POST', url: path, body, timeout: timeoutMs }),
		get: async (path, query, getTimeoutMs) => await request({ method: 'GET', url: path, qs: query, timeout: getTimeoutMs }),
		signal,
	};
}

type AbortableSleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/**
 * n8n-workflow's abortable sleep, from whichever n8n loads the package: n8n 2.8 exports it as
 * `sleepWithAbort`; later versions dropped that name and give `sleep` the signal instead.
 */
const abortableSleep: AbortableSleep =
	'sleepWithAbort' in workflow && typeof workflow.sleepWithAbort === 'function'
		? workflow.sleepWithAbort
		: (workflow.sleep as AbortableSleep);

/** The longest wait a timer can hold: a longer one fires at once, and a loop around it spins. */
export const LONGEST_TIMER_MS = 2 ** 31 - 1;

/** Real time, whose waits end at once, with n8n's cancellation error, when the run is cancelled. */
export function abortableClock(signal: AbortSignal | undefined): Clock {
	return {
		now: () => Date.now(),
		// Whoever waits longer checks the time again and waits the rest.
		sleep: async (ms) => await abortableSleep(Math.min(Math.max(0, ms), LONGEST_TIMER_MS), signal),
	};
}
