import type { IDataObject, IExecuteFunctions, IHttpRequestOptions, IN8nHttpFullResponse } from 'n8n-workflow';
import { NodeOperationError, sleepWithAbort } from 'n8n-workflow';

import { insecureUrlReason, trimBaseUrl } from '../../credentials/baseUrl';
import { buildRequestBody, ENDPOINT } from './requestPlanning';
import type { ApiEntry, EnrichSettings, ItemFailure, PacingSettings } from './types';

/**
 * Transport: the only place that talks HTTP. It sends the planned requests through the
 * credential, keeps under the rate limit, retries what is worth retrying request by request
 * (never the whole node, which would re-bill every batch) and turns every answer into
 * entries or per-identifier failures, so no identifier is ever left without one of the two.
 */

export const CREDENTIAL_TYPE = 'crustdataEnrichApi';

const WINDOW_MS = 60_000;
const BACKOFF_BASE_MS = 1_000;
const FALLBACK_RATE_LIMIT_WAIT_MS = 5_000;

export interface TransportStats {
	requests: number;
	retries: number;
	rateLimited: number;
	creditsUsed: number;
}

export interface TransportResult {
	entries: ApiEntry[];
	failures: Map<string, ItemFailure>;
	stats: TransportStats;
}

export interface HttpAnswer {
	statusCode: number;
	headers: IDataObject;
	body: unknown;
}

export type Clock = { now: () => number; sleep: (ms: number) => Promise<void> };

/**
 * Never more than `maxRequestsPerMinute` requests in any 60-second window, and no request
 * while the server's own window is full.
 */
export class RequestPacer {
	private readonly sentAt: number[] = [];

	private sentCount = 0;

	private pausedUntil = 0;

	private readonly inFlight = new Set<number>();

	/** What the server's window has left, as far as its answers and our later sends tell. */
	private serverBudget: { remaining: number; resetAt: number } | undefined;

	/** The request whose answer the budget follows; answers to earlier requests may be older news. */
	private followedTicket = 0;

	/** The one request sent after the server's window reset, to learn how much the reset freed. */
	private probeTicket: number | undefined;

	private readonly wakeWaiters: Array<() => void> = [];

	constructor(
		private readonly maxRequestsPerMinute: number,
		private readonly clock: Clock,
	) {}

	/** Resolves when a request may go out; the ticket it returns goes back with `settle`. */
	async waitForSlot(): Promise<number> {
		for (;;) {
			const now = this.clock.now();
			while (this.sentAt.length > 0 && this.sentAt[0] <= now - WINDOW_MS) this.sentAt.shift();
			const ownWindowFreeAt =
				this.sentAt.length >= this.maxRequestsPerMinute ? this.sentAt[0] + WINDOW_MS : now;
			const readyAt = Math.max(ownWindowFreeAt, this.serverWindowFreeAt(now), this.pausedUntil);
			if (readyAt <= now) return this.send(now);
			if (readyAt === Infinity) await new Promise<void>((wake) => this.wakeWaiters.push(wake));
			else await this.clock.sleep(readyAt - now);
		}
	}

	pauseFor(ms: number): void {
		this.pausedUntil = Math.max(this.pausedUntil, this.clock.now() + ms);
	}

	/**
	 * Takes back the ticket of a request that is over, with its answer's headers when it got
	 * one, and follows their `x-ratelimit-remaining` and `x-ratelimit-reset`.
	 */
	settle(ticket: number, headers?: IDataObject): void {
		if (!this.inFlight.delete(ticket)) return;
		if (ticket === this.probeTicket) this.probeTicket = undefined;
		if (headers && ticket > this.followedTicket) this.follow(headers, ticket);
		for (const wake of this.wakeWaiters.splice(0)) wake();
	}

	private follow(headers: IDataObject, ticket: number): void {
		const remaining = numberHeader(headers, 'x-ratelimit-remaining');
		if (remaining === undefined) return;
		this.followedTicket = ticket;
		// Requests still on their way may reach the server after this one did, so they count too.
		this.serverBudget = {
			remaining: remaining - this.inFlight.size,
			resetAt: this.clock.now() + (numberHeader(headers, 'x-ratelimit-reset') ?? 0) * 1000,
		};
	}

	private serverWindowFreeAt(now: number): number {
		const budget = this.serverBudget;
		if (!budget || budget.remaining > 0) return now;
		if (now < budget.resetAt) return budget.resetAt;
		// The reset only promises that the oldest request has left the window, so one request
		// goes, and its answer tells whether more may follow.
		return this.probeTicket === undefined ? now : Infinity;
	}

	private send(now: number): number {
		const ticket = ++this.sentCount;
		this.sentAt.push(now);
		this.inFlight.add(ticket);
		if (this.serverBudget) {
			if (this.serverBudget.remaining <= 0) this.probeTicket = ticket;
			this.serverBudget.remaining -= 1;
		}
		return ticket;
	}
}

function numberHeader(headers: IDataObject, name: string): number | undefined {
	const value = headers[name];
	const parsed = typeof value === 'number' ? value : Number.parseFloat(String(value ?? ''));
	return Number.isFinite(parsed) && parsed >= 0 ? parsed : undefined;
}

/** How long a 429 asks us to wait: `Retry-After` when present, else the window's reset. */
export function rateLimitWaitMs(headers: IDataObject): number {
	const retryAfter = numberHeader(headers, 'retry-after');
	if (retryAfter !== undefined) return retryAfter * 1000;
	const reset = numberHeader(headers, 'x-ratelimit-reset');
	return reset !== undefined ? reset * 1000 : FALLBACK_RATE_LIMIT_WAIT_MS;
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
	| { kind: 'stop'; failure: ItemFailure };

function errorMessage(body: unknown): string {
	if (typeof body === 'string') return body.slice(0, 500);
	if (body && typeof body === 'object') {
		const { error, message } = body as { error?: { message?: unknown } | string; message?: unknown };
		if (typeof error === 'object' && typeof error?.message === 'string') return error.message;
		if (typeof error === 'string') return error;
		if (typeof message === 'string') return message;
	}
	return '';
}

function errorMetadata(body: unknown): IDataObject {
	const metadata = (body as { error?: { metadata?: unknown } } | undefined)?.error?.metadata;
	return metadata && typeof metadata === 'object' && !Array.isArray(metadata) ? (metadata as IDataObject) : {};
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

function classifyBadRequest(message: string, body: unknown, identifiers: string[]): Classified {
	const named = identifiersNamedIn(message, identifiers);
	if (named.length > 0) return { kind: 'rejected', identifiers: named, message };
	const availableFields = errorMetadata(body).available_fields;
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

/** What an answer means for the request's identifiers: the policy in one place. */
export function classifyAnswer(answer: HttpAnswer, identifiers: string[], matchType: string): Classified {
	const { statusCode, headers, body } = answer;
	const message = errorMessage(body);
	if (statusCode >= 200 && statusCode < 300) {
		if (Array.isArray(body)) return { kind: 'answered', entries: body as ApiEntry[] };
		// Sending it again could bill it again, so a malformed success is not retried.
		return {
			kind: 'failed',
			message: 'Crustdata answered with something other than a list of results',
			description: 'Check Base URL in the credential: it must point at the Crustdata API',
		};
	}
	if (statusCode === 404) {
		// Crustdata documents 404 as "no data": every identifier of the request is a no-match.
		return {
			kind: 'answered',
			entries: identifiers.map((matched_on) => ({ matched_on, match_type: matchType, matches: [] })),
		};
	}
	if (statusCode === 429) return { kind: 'rateLimited', waitMs: rateLimitWaitMs(headers) };
	if (statusCode >= 500) return { kind: 'transient', reason: `Crustdata answered ${statusCode}${message ? ` (${message})` : ''}` };
	if (statusCode === 401) {
		return stop(
			'Crustdata rejected the API key',
			'Check the API Key in the Crustdata Enrich API credential; keys are on the Crustdata dashboard',
			401,
		);
	}
	if (statusCode === 402 || (statusCode === 403 && /credit/i.test(message))) {
		return stop(
			'The Crustdata account is out of credits',
			'Top up credits in the Crustdata dashboard, then run the node again for the remaining items',
			statusCode,
		);
	}
	if (statusCode === 403) {
		const field = /'([a-z_]+(?:\.[a-z_]+)*)'/.exec(message)?.[1];
		return field
			? stop(
					`Your Crustdata plan does not include the field '${field}'`,
					`Remove '${field}' from Fields or Extra Field Paths, or ask Crustdata to enable it for your API key`,
					403,
				)
			: stop(`Crustdata denied access: ${message}`, 'Check that your Crustdata plan includes this operation', 403);
	}
	if (statusCode === 400) return classifyBadRequest(message, body, identifiers);
	return stop(`Crustdata answered ${statusCode}: ${message}`, 'Check the node settings and the credential', statusCode);
}

/** A short, key-free description of a failed connection. */
function connectionProblem(error: unknown, timeoutMs: number): string {
	// n8n wraps the HTTP client's error in a NodeApiError that keeps the code as `httpCode`.
	const { code, httpCode, cause } = (error ?? {}) as { code?: unknown; httpCode?: unknown; cause?: { code?: unknown } };
	for (const candidate of [code, httpCode, cause?.code]) {
		if (candidate === 'ECONNABORTED' || candidate === 'ETIMEDOUT') return `no answer within ${timeoutMs / 1000} s (timed out)`;
		if (typeof candidate === 'string' && /^E[A-Z_]+$/.test(candidate)) return `the connection failed (${candidate})`;
	}
	return 'the connection failed';
}

/** The reason a 400 gives, without the list of identifiers that follows it. */
function rejectionReason(message: string): string {
	return message.split(/:\s/)[0].trim() || 'invalid identifier';
}

function rejectedFailure(identifier: string, message: string, resent: boolean): ItemFailure {
	return {
		source: 'api',
		message: `Crustdata rejected "${identifier}": ${rejectionReason(message)}`,
		description: resent
			? 'Correct the identifier in the input item; the other identifiers of the request were sent again without it'
			: 'Correct the identifier in the input item',
		httpCode: '400',
	};
}

/**
 * A failure that is only a consequence: the node stops on errors and an earlier input already
 * failed, so these identifiers were not sent. Never the error the node reports.
 */
const NOT_SENT: ItemFailure = {
	source: 'api',
	message: 'Not sent: the run stopped at an earlier failed item',
	description: 'Fix the failed item, or set the node to continue on error',
	consequence: true,
};

/** Requests halved from one planned request, to find which identifiers a 400 without names refuses. */
interface Bisection {
	refused: number;
	answered: number;
}

interface Job {
	identifiers: string[];
	attempt: number;
	bisection?: Bisection;
}

export interface RunOptions {
	/** Stop sending at the first failed input: the node will fail anyway, so spend no more credits. */
	failFast: boolean;
	/** Whether an answer entry will fail its input (On No Match = error), for `failFast`. */
	failsInput: (entry: ApiEntry) => boolean;
}

/** Real time, whose waits end at once, with n8n's cancellation error, when the run is cancelled. */
export function abortableClock(signal: AbortSignal | undefined): Clock {
	return { now: () => Date.now(), sleep: async (ms) => await sleepWithAbort(ms, signal) };
}

/** Sends every batch and returns what came back for each identifier. */
export async function sendEnrichRequests(
	context: IExecuteFunctions,
	batches: string[][],
	settings: EnrichSettings,
	matchType: string,
	options: RunOptions,
): Promise<TransportResult> {
	if (batches.length === 0) return { entries: [], failures: new Map(), stats: emptyStats() };
	const credentials = await context.getCredentials<{ baseUrl?: string }>(CREDENTIAL_TYPE);
	const baseUrl = trimBaseUrl(credentials.baseUrl || 'https://api.crustdata.com');
	const insecure = insecureUrlReason(baseUrl);
	if (insecure) {
		throw new NodeOperationError(context.getNode(), `Refusing to send the Crustdata API key: ${insecure}`, {
			description: "Set the credential's Base URL to an https:// address",
		});
	}

	const signal = context.getExecutionCancelSignal?.();
	const send = async (identifiers: string[]): Promise<HttpAnswer> => {
		const request: IHttpRequestOptions = {
			method: 'POST',
			url: `${baseUrl}${ENDPOINT[settings.operation]}`,
			body: buildRequestBody(identifiers, settings),
			json: true,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			timeout: settings.pacing.timeoutMs,
		};
		const response = (await context.helpers.httpRequestWithAuthentication.call(
			context,
			CREDENTIAL_TYPE,
			request,
		)) as IN8nHttpFullResponse;
		return { statusCode: response.statusCode, headers: response.headers ?? {}, body: response.body };
	};
	return await runJobs(batches, settings.pacing, matchType, send, abortableClock(signal), {
		...options,
		isCancelled: () => signal?.aborted === true,
	});
}

const emptyStats = (): TransportStats => ({ requests: 0, retries: 0, rateLimited: 0, creditsUsed: 0 });

/** Bisection that finds every half refused too is not looking at bad identifiers but a bad request. */
const REFUSALS_BEFORE_GIVING_UP = 4;

/** The send loop, apart from n8n so it can be driven by any sender and clock. */
export async function runJobs(
	batches: string[][],
	pacing: PacingSettings,
	matchType: string,
	send: (identifiers: string[]) => Promise<HttpAnswer>,
	clock: Clock,
	options: Partial<RunOptions> & { isCancelled?: () => boolean } = {},
): Promise<TransportResult> {
	const { failFast = false, failsInput = () => false, isCancelled = () => false } = options;
	const result: TransportResult = { entries: [], failures: new Map(), stats: emptyStats() };
	const queue: Job[] = batches.map((identifiers) => ({ identifiers, attempt: 0 }));
	const pacer = new RequestPacer(pacing.maxRequestsPerMinute, clock);
	let stopped: ItemFailure | undefined;

	const fail = (identifiers: string[], failure: ItemFailure) => {
		for (const identifier of identifiers) result.failures.set(identifier, failure);
		if (failFast) stopped ??= NOT_SENT;
	};

	const attempt = async (job: Job): Promise<void> => {
		const ticket = await pacer.waitForSlot();
		if (stopped) {
			pacer.settle(ticket);
			return fail(job.identifiers, stopped);
		}
		job.attempt += 1;
		result.stats.requests += 1;
		let classified: Classified;
		try {
			const answer = await send(job.identifiers);
			pacer.settle(ticket, answer.headers);
			result.stats.creditsUsed += numberHeader(answer.headers, 'x-credits-used') ?? 0;
			classified = classifyAnswer(answer, job.identifiers, matchType);
		} catch (error) {
			pacer.settle(ticket);
			classified = isCancelled()
				? stop('The execution was cancelled', 'Run the node again for the remaining items')
				: { kind: 'transient', reason: connectionProblem(error, pacing.timeoutMs) };
		}
		if (job.bisection && (classified.kind === 'answered' || classified.kind === 'rejected')) job.bisection.answered += 1;

		switch (classified.kind) {
			case 'answered':
				result.entries.push(...classified.entries);
				if (failFast && classified.entries.some(failsInput)) stopped ??= NOT_SENT;
				return;
			case 'failed':
				return fail(job.identifiers, { source: 'api', message: classified.message, description: classified.description });
			case 'stop':
				stopped = classified.failure;
				return fail(job.identifiers, classified.failure);
			case 'rejected': {
				const rest = job.identifiers.filter((identifier) => !classified.identifiers.includes(identifier));
				for (const identifier of classified.identifiers) fail([identifier], rejectedFailure(identifier, classified.message, rest.length > 0));
				if (rest.length > 0) queue.unshift({ identifiers: rest, attempt: 0 });
				return;
			}
			case 'rejectedUnnamed': {
				const bisection = job.bisection ?? { refused: 0, answered: 0 };
				bisection.refused += 1;
				if (bisection.answered === 0 && bisection.refused >= REFUSALS_BEFORE_GIVING_UP) {
					stopped = {
						source: 'api',
						message: `Crustdata refused the request: ${classified.message}`,
						description: 'Every part of the request was refused, so the problem is not one identifier: check the node settings',
						httpCode: '400',
					};
					return fail(job.identifiers, stopped);
				}
				if (job.identifiers.length === 1) return fail(job.identifiers, rejectedFailure(job.identifiers[0], classified.message, false));
				// Halve the request until the refused identifiers stand alone.
				const half = Math.ceil(job.identifiers.length / 2);
				queue.unshift(
					{ identifiers: job.identifiers.slice(0, half), attempt: 0, bisection },
					{ identifiers: job.identifiers.slice(half), attempt: 0, bisection },
				);
				return;
			}
			case 'rateLimited':
				result.stats.rateLimited += 1;
				pacer.pauseFor(withJitter(classified.waitMs));
				break;
			case 'transient':
				break;
		}

		// Rate limited or a transient failure: send the same request again, a bounded number of times.
		const reason = classified.kind === 'rateLimited' ? 'Crustdata kept answering 429 (rate limited)' : classified.reason;
		if (job.attempt > pacing.maxRetries) {
			return fail(job.identifiers, {
				source: 'api',
				message: `The request failed after ${job.attempt} ${job.attempt === 1 ? 'try' : 'tries'}: ${reason}`,
				description: 'Run the node again for these items later, or raise Max Retries in the node options',
			});
		}
		result.stats.retries += 1;
		if (classified.kind === 'transient') await clock.sleep(backoffMs(job.attempt));
		await attempt(job);
	};

	const worker = async () => {
		for (let job = queue.shift(); job; job = queue.shift()) {
			if (stopped) fail(job.identifiers, stopped);
			else await attempt(job);
		}
	};
	const workers = Math.max(1, Math.min(pacing.concurrency, queue.length));
	await Promise.all(Array.from({ length: workers }, worker));
	return result;
}
