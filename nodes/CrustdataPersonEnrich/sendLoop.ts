import type { IDataObject } from 'n8n-workflow';

import {
	backoffMs,
	CANCELLED,
	classifyAnswer,
	connectionProblem,
	numberHeader,
	OUT_OF_TIME,
	rateLimitedFor,
	withJitter,
	type AnswerContext,
	type Classified,
	type HttpAnswer,
} from './answerPolicy';
import type { CreditCap, Reservation } from './creditCap';
import { quoted } from './quantities';
import { RequestPacer, type Clock, type SlidingWindow } from './pacer';
import { abortableClock, type CrustdataClient } from './transport';
import type { ApiEntry, ItemFailure, PacingSettings, RateLimit } from './types';

/**
 * The send loop: every planned request goes out through the pacer, is retried request by
 * request when that is worth it (never the whole node, which would re-bill every batch), and
 * ends as entries or per-identifier failures, so no identifier is ever left without one of the two.
 */

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

/** How the loop paces its requests: the user's retry and concurrency settings at the run's limit. */
export type LoopPacing = Omit<PacingSettings, 'maxRequestsPerMinute'> & { requestsPerMinute: number };

/** The reason a 400 gives, without the list of identifiers that follows it. */
function rejectionReason(message: string): string {
	return message.split(/:\s/)[0].trim() || 'invalid identifier';
}

function rejectedFailure(identifier: string, message: string, resent: boolean): ItemFailure {
	return {
		source: 'api',
		message: `Crustdata rejected ${quoted(identifier)}: ${rejectionReason(message)}`,
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

/** Shared by the passes of one run, so that what ends the run (no credits, a bad key) ends them all. */
export interface RunStop {
	failure?: ItemFailure;
}

export interface PassOptions extends Partial<RunOptions> {
	isCancelled?: () => boolean;
	runStop?: RunStop;
	/** The key's limit across endpoints, shared with the run's other pass. */
	sharedWindow?: SlidingWindow;
	/** What the run knows that the answer policy needs besides the answer (the pass adds its path). */
	answerContext?: AnswerContext;
	/** Reads each answer in place of the answer policy, for a pass whose requests may change mid-run. */
	classify?: (answer: HttpAnswer, identifiers: string[], context: AnswerContext) => Classified;
	/** Told of each answer's entries as they arrive, so another pass can start on them; says how many people it handed on. */
	onAnswered?: (entries: ApiEntry[]) => number;
	credits?: PassCredits;
}

/** How a pass's requests draw on the run's credit cap. */
export interface PassCredits {
	cap: CreditCap;
	/** The most one identifier of a request can cost, with what it holds back for a later pass. */
	each: number;
	/** What each person handed on to a later pass keeps earmarked for that pass's request. */
	handedOnEach?: number;
	/** A pass fed by an earlier one: its requests use what that pass held back for them. */
	fromEarmark?: boolean;
}

/** Answers from a gateway in front of Crustdata, which may have given up while Crustdata went on. */
const GATEWAY_GAVE_UP = [502, 504];

/**
 * What a request cost, from `x-credits-used`. Without the header, an answer that may have been
 * billed counts as its whole reservation, so the cap holds whatever the answer leaves out: a
 * success, a gateway that gave up, or no answer at all. Refusals and Crustdata's own errors bill nothing.
 */
function creditsSpent(answer: HttpAnswer | undefined, reservation: Reservation): number {
	const used = answer && numberHeader(answer.headers, 'x-credits-used');
	if (used !== undefined) return used;
	const mayHaveBilled = !answer || answer.statusCode < 300 || GATEWAY_GAVE_UP.includes(answer.statusCode);
	return mayHaveBilled ? reservation.credits : 0;
}

/** One endpoint's share of a run: where its requests go, what they carry and how fast they may go. */
export interface EndpointPass {
	path: string;
	body: (identifiers: string[]) => IDataObject;
	batches: BatchFeed;
	rateLimit: RateLimit;
	matchType: string;
}

/**
 * The batches of a pass. A pass planned in full is closed from the start; the contact pass is
 * fed batches while the profile pass answers, and closed when that pass is over.
 */
export class BatchFeed {
	private readonly ready: string[][] = [];

	private closed = false;

	private readonly waiters: Array<() => void> = [];

	static of(batches: string[][]): BatchFeed {
		const feed = new BatchFeed();
		for (const batch of batches) feed.push(batch);
		feed.close();
		return feed;
	}

	push(batch: string[]): void {
		this.ready.push(batch);
		this.wake();
	}

	close(): void {
		this.closed = true;
		this.wake();
	}

	/** Batches that can still arrive: unknown until the feed is closed. */
	get mostBatches(): number {
		return this.closed ? this.ready.length : Infinity;
	}

	/** The next batch, once there is one; undefined when the feed is closed and empty. */
	async next(): Promise<string[] | undefined> {
		while (this.ready.length === 0 && !this.closed) await new Promise<void>((wake) => this.waiters.push(wake));
		return this.ready.shift();
	}

	private wake(): void {
		for (const wake of this.waiters.splice(0)) wake();
	}
}

/** Sends a pass's batches to its endpoint, paced at its limit. */
export async function sendPass(
	client: CrustdataClient,
	pass: EndpointPass,
	pacing: PacingSettings,
	options: PassOptions,
): Promise<TransportResult> {
	const send = async (identifiers: string[]) => await client.post(pass.path, pass.body(identifiers));
	return await runJobs(
		pass.batches,
		{ ...pacing, requestsPerMinute: pass.rateLimit.requestsPerMinute },
		pass.matchType,
		send,
		abortableClock(client.signal),
		{
			...options,
			answerContext: { ...options.answerContext, path: pass.path },
			isCancelled: () => client.signal?.aborted === true,
		},
	);
}

const emptyStats = (): TransportStats => ({ requests: 0, retries: 0, rateLimited: 0, creditsUsed: 0 });

/** What a run that sends nothing returns: every identifier fails with `failure`, when one is given. */
export function nothingSent(batches: string[][], failure?: ItemFailure): TransportResult {
	const failures = new Map<string, ItemFailure>();
	if (failure) for (const identifier of batches.flat()) failures.set(identifier, failure);
	return { entries: [], failures, stats: emptyStats() };
}

/** Bisection that finds every half refused too is not looking at bad identifiers but a bad request. */
const REFUSALS_BEFORE_GIVING_UP = 4;

/** The send loop, apart from n8n so it can be driven by any sender and clock. */
export async function runJobs(
	batches: BatchFeed | string[][],
	pacing: LoopPacing,
	matchType: string,
	send: (identifiers: string[]) => Promise<HttpAnswer>,
	clock: Clock,
	options: PassOptions = {},
): Promise<TransportResult> {
	const {
		failFast = false,
		failsInput = () => false,
		isCancelled = () => false,
		runStop = {},
		answerContext = {},
		classify = (answer, identifiers, context) => classifyAnswer(answer, identifiers, matchType, context),
		onAnswered = () => 0,
		credits,
	} = options;
	const feed = Array.isArray(batches) ? BatchFeed.of(batches) : batches;
	const result: TransportResult = { entries: [], failures: new Map(), stats: emptyStats() };
	const queue: Job[] = [];
	const pacer = new RequestPacer(pacing.requestsPerMinute, clock, pacing.concurrency, options.sharedWindow);
	const waitDeadline = pacing.waitDeadline ?? Infinity;
	const sendDeadline = pacing.sendDeadline ?? Infinity;
	let stopped: ItemFailure | undefined;
	const halted = () => stopped ?? runStop.failure;
	// What one identifier may cost: the price table's worst case, raised if Crustdata ever bills more.
	let creditsEach = credits?.each ?? 0;

	const stop = (failure: ItemFailure) => {
		// A real cause replaces the consequence of an earlier one; nothing replaces a cause.
		if (!stopped || stopped.consequence) stopped = failure;
		if (failure.endsRun) runStop.failure ??= failure;
		else if (failFast) runStop.failure ??= NOT_SENT;
	};

	const fail = (identifiers: string[], failure: ItemFailure) => {
		for (const identifier of identifiers) result.failures.set(identifier, failure);
		if (failFast) stop(NOT_SENT);
	};

	/** Reserves what the job may cost; what the cap cannot afford goes back to the queue, or fails when nothing fits. */
	const reserveFor = async (job: Job): Promise<Reservation | undefined> => {
		if (!credits) return { count: job.identifiers.length, credits: 0 };
		const reservation = await credits.cap.reserve(job.identifiers.length, creditsEach, credits.fromEarmark);
		if (reservation.count === 0) {
			for (const identifier of job.identifiers) result.failures.set(identifier, credits.cap.failure);
			return undefined;
		}
		// The request shrinks to what fits; the rest is tried again once its answer says what it cost.
		if (reservation.count < job.identifiers.length) {
			queue.unshift({ identifiers: job.identifiers.slice(reservation.count), attempt: 0, bisection: job.bisection });
			job.identifiers = job.identifiers.slice(0, reservation.count);
		}
		return reservation;
	};

	/** A job that will not be sent: what was held back for it is given back. */
	const forgo = (job: Job, halt: ItemFailure) => {
		if (credits?.fromEarmark) credits.cap.releaseEarmark(job.identifiers.length * creditsEach);
		fail(job.identifiers, halt);
	};

	/** Sends the job once; a retry keeps the reservation `held` by an attempt that cost nothing. */
	const attempt = async (job: Job, held?: Reservation): Promise<void> => {
		const reservation = held ?? (await reserveFor(job));
		if (!reservation) return;
		let ticket: number | undefined;
		try {
			ticket = await pacer.waitForSlot(waitDeadline);
		} finally {
			// A cancelled or refused wait gives back what the request held, so no request of the other pass waits for it.
			if (ticket === undefined) credits?.cap.settle(reservation, 0);
		}
		if (ticket === undefined) {
			const rateLimited = rateLimitedFor(pacer.rateLimitedUntil() - clock.now());
			stop(rateLimited);
			return fail(job.identifiers, rateLimited);
		}
		// A pass that never had to wait learns of a cancelled execution here, before it sends.
		if (isCancelled()) stop(CANCELLED);
		else if (clock.now() > sendDeadline) stop(OUT_OF_TIME);
		const halt = halted();
		if (halt) {
			pacer.settle(ticket);
			credits?.cap.settle(reservation, 0);
			return fail(job.identifiers, halt);
		}
		job.attempt += 1;
		result.stats.requests += 1;
		let classified: Classified;
		let answer: HttpAnswer | undefined;
		try {
			answer = await send(job.identifiers);
			pacer.settle(ticket, answer.headers);
			result.stats.creditsUsed += numberHeader(answer.headers, 'x-credits-used') ?? 0;
			classified = classify(answer, job.identifiers, answerContext);
		} catch (error) {
			pacer.settle(ticket);
			classified = isCancelled()
				? { kind: 'stop', failure: CANCELLED }
				: { kind: 'transient', reason: connectionProblem(error, pacing.timeoutMs) };
		}
		if (job.bisection && (classified.kind === 'answered' || classified.kind === 'rejected')) job.bisection.answered += 1;
		const handedOn = classified.kind === 'answered' ? onAnswered(classified.entries) : 0;
		const spent = creditsSpent(answer, reservation);
		// A backoff past the deadline is not waited; a 429's wait is the pacer's to refuse, with when to retry.
		const backoff = classified.kind === 'transient' ? backoffMs(job.attempt) : 0;
		const retried =
			(classified.kind === 'rateLimited' || (classified.kind === 'transient' && clock.now() + backoff <= waitDeadline)) &&
			job.attempt <= pacing.maxRetries;
		// An attempt that cost nothing keeps its reservation for the retry: what it drew from an
		// earmark must not go to the other pass during the wait.
		const keeps = retried && spent === 0;
		if (!keeps) credits?.cap.settle(reservation, spent, handedOn * (credits.handedOnEach ?? 0));
		if (credits && spent > reservation.credits) creditsEach = Math.max(creditsEach, spent / reservation.count);

		switch (classified.kind) {
			case 'answered':
				result.entries.push(...classified.entries);
				if (failFast && classified.entries.some(failsInput)) stop(NOT_SENT);
				return;
			case 'failed':
				return fail(job.identifiers, { source: 'api', message: classified.message, description: classified.description });
			case 'stop':
				stop(classified.failure);
				return fail(job.identifiers, classified.failure);
			case 'resend':
				queue.unshift({ identifiers: job.identifiers, attempt: 0 });
				return;
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
					const refused: ItemFailure = {
						source: 'api',
						message: `Crustdata refused the request: ${classified.message}`,
						description: 'Every part of the request was refused, so the problem is not one identifier: check the node settings',
						httpCode: '400',
					};
					stop(refused);
					return fail(job.identifiers, refused);
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
		if (!retried) {
			return fail(job.identifiers, {
				source: 'api',
				message: `The request failed after ${job.attempt} ${job.attempt === 1 ? 'try' : 'tries'}: ${reason}`,
				description: 'Run the node again for these items later, or raise Max Retries in the node options',
			});
		}
		result.stats.retries += 1;
		if (backoff > 0) await clock.sleep(backoff);
		await attempt(job, keeps ? reservation : undefined);
	};

	const nextJob = async (): Promise<Job | undefined> => {
		const queued = queue.shift();
		if (queued) return queued;
		const identifiers = await feed.next();
		return identifiers && { identifiers, attempt: 0 };
	};
	const worker = async () => {
		for (let job = await nextJob(); job; job = await nextJob()) {
			const halt = halted();
			if (halt) forgo(job, halt);
			else await attempt(job);
		}
	};
	const workers = Math.max(1, Math.min(pacer.inFlightCeiling, feed.mostBatches));
	await Promise.all(Array.from({ length: workers }, worker));
	return result;
}
