// The send loop, the one way every synchronous endpoint is sent to: each request reserved, paced, sent, read and settled.
import type { IDataObject } from 'n8n-workflow';

import type { Reservation } from '../credits/creditCap';
import type { ApiEntry, ItemFailure, PacingSettings, RateLimit } from '../types';
import {
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
import { BatchFeed } from './batchFeed';
import { bisect, withoutNamed, type AfterRefusal, type Job } from './bisection';
import { abortableClock, type CrustdataClient } from './client';
import { RequestPacer, type Clock, type SlidingWindow } from './pacer';
import { creditsSpent, PassReservations, type PassCredits } from './passCredits';
import { NOT_SENT, PassStop, type RunStop } from './passStop';
import { retriesExhausted, retryDecision } from './retryDecision';

/**
 * Every planned request goes out through the pacer and is retried request by request when that
 * is worth it (never the whole node, which would re-bill every batch). Every identifier ends as
 * an entry or a failure of its own, so none is ever left without one of the two.
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

export interface RunOptions {
	/** Stop sending at the first failed input: the node will fail anyway, so spend no more credits. */
	failFast: boolean;
	/** Whether an answer entry will fail its input (On No Match = error), for `failFast`. */
	failsInput: (entry: ApiEntry) => boolean;
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

/** One endpoint's share of a run: where its requests go, what they carry and how fast they may go. */
export interface EndpointPass {
	path: string;
	body: (identifiers: string[]) => IDataObject;
	batches: BatchFeed;
	rateLimit: RateLimit;
	matchType: string;
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

/** The send loop, apart from n8n so it can be driven by any sender and clock. */
export async function runJobs(
	batches: BatchFeed | string[][],
	pacing: LoopPacing,
	matchType: string,
	send: (identifiers: string[]) => Promise<HttpAnswer>,
	clock: Clock,
	options: PassOptions = {},
): Promise<TransportResult> {
	const feed = Array.isArray(batches) ? BatchFeed.of(batches) : batches;
	const classify =
		options.classify ?? ((answer: HttpAnswer, identifiers: string[], context: AnswerContext) => classifyAnswer(answer, identifiers, matchType, context));
	return await new SendLoop(feed, pacing, send, clock, { ...options, classify }).run();
}

/** What one attempt at a request came to. */
interface Attempted {
	classified: Classified;
	/** Undefined when no answer came: the connection failed or the run was cancelled. */
	answer?: HttpAnswer;
}

class SendLoop {
	private readonly result: TransportResult = { entries: [], failures: new Map(), stats: emptyStats() };

	/** Requests that go before the feed's next batch: what a reservation or a refusal split off. */
	private readonly queue: Job[] = [];

	private readonly pacer: RequestPacer;

	private readonly passStop: PassStop;

	private readonly reservations: PassReservations;

	constructor(
		private readonly feed: BatchFeed,
		private readonly pacing: LoopPacing,
		private readonly send: (identifiers: string[]) => Promise<HttpAnswer>,
		private readonly clock: Clock,
		private readonly options: PassOptions & Pick<Required<PassOptions>, 'classify'>,
	) {
		this.pacer = new RequestPacer(pacing.requestsPerMinute, clock, pacing.concurrency, options.sharedWindow);
		this.passStop = new PassStop(options.runStop ?? {}, options.failFast ?? false);
		this.reservations = new PassReservations(options.credits);
	}

	async run(): Promise<TransportResult> {
		const worker = async () => {
			for (let job = await this.nextJob(); job; job = await this.nextJob()) {
				const halt = this.passStop.halt;
				if (halt) this.forgo(job, halt);
				else await this.attempt(job);
			}
		};
		const workers = Math.max(1, Math.min(this.pacer.inFlightCeiling, this.feed.mostBatches));
		await Promise.all(Array.from({ length: workers }, worker));
		return this.result;
	}

	private async nextJob(): Promise<Job | undefined> {
		const queued = this.queue.shift();
		if (queued) return queued;
		const identifiers = await this.feed.next();
		return identifiers && { identifiers, attempt: 0 };
	}

	private fail(identifiers: string[], failure: ItemFailure): void {
		for (const identifier of identifiers) this.result.failures.set(identifier, failure);
		this.passStop.inputFailed();
	}

	/** A job that will not be sent: what was held back for it is given back. */
	private forgo(job: Job, halt: ItemFailure): void {
		this.reservations.forgo(job.identifiers.length);
		this.fail(job.identifiers, halt);
	}

	/** Reserves what the job may cost; what the cap cannot afford goes back to the queue, or fails when nothing fits. */
	private async reserve(job: Job): Promise<Reservation | undefined> {
		const reservation = await this.reservations.reserve(job.identifiers.length);
		const refusal = this.reservations.refusal;
		if (reservation.count === 0 && refusal) {
			for (const identifier of job.identifiers) this.result.failures.set(identifier, refusal);
			return undefined;
		}
		// The request shrinks to what fits; the rest is tried again once its answer says what it cost.
		if (reservation.count < job.identifiers.length) {
			this.queue.unshift({ identifiers: job.identifiers.slice(reservation.count), attempt: 0, bisection: job.bisection });
			job.identifiers = job.identifiers.slice(0, reservation.count);
		}
		return reservation;
	}

	/**
	 * Pacing: waits for the request's turn under the rate limit. Undefined when it may not go: the
	 * wait would pass the deadline, the run was cancelled or ran out of time, or something stopped it.
	 */
	private async takeTurn(job: Job, reservation: Reservation): Promise<number | undefined> {
		let ticket: number | undefined;
		try {
			ticket = await this.pacer.waitForSlot(this.pacing.waitDeadline ?? Infinity);
		} finally {
			// A cancelled or refused wait gives back what the request held, so no request of the other pass waits for it.
			if (ticket === undefined) this.reservations.release(reservation);
		}
		if (ticket === undefined) {
			const rateLimited = rateLimitedFor(this.pacer.rateLimitedUntil() - this.clock.now());
			this.passStop.stop(rateLimited);
			this.fail(job.identifiers, rateLimited);
			return undefined;
		}
		// A pass that never had to wait learns of a cancelled execution here, before it sends.
		if (this.options.isCancelled?.()) this.passStop.stop(CANCELLED);
		else if (this.clock.now() > (this.pacing.sendDeadline ?? Infinity)) this.passStop.stop(OUT_OF_TIME);
		const halt = this.passStop.halt;
		if (!halt) return ticket;
		this.pacer.settle(ticket);
		this.reservations.release(reservation);
		this.fail(job.identifiers, halt);
		return undefined;
	}

	/** Sends the job once and reads the answer, or why none came. */
	private async sendOnce(job: Job, ticket: number): Promise<Attempted> {
		job.attempt += 1;
		this.result.stats.requests += 1;
		try {
			const answer = await this.send(job.identifiers);
			this.pacer.settle(ticket, answer.headers);
			this.result.stats.creditsUsed += numberHeader(answer.headers, 'x-credits-used') ?? 0;
			return { answer, classified: this.options.classify(answer, job.identifiers, this.options.answerContext ?? {}) };
		} catch (error) {
			this.pacer.settle(ticket);
			return {
				classified: this.options.isCancelled?.()
					? { kind: 'stop', failure: CANCELLED }
					: { kind: 'transient', reason: connectionProblem(error, this.pacing.timeoutMs) },
			};
		}
	}

	/** Sends the job once, settles what it cost, and acts on the answer; a retry keeps the reservation `held` by an attempt that cost nothing. */
	private async attempt(job: Job, held?: Reservation): Promise<void> {
		const reservation = held ?? (await this.reserve(job));
		if (!reservation) return;
		const ticket = await this.takeTurn(job, reservation);
		if (ticket === undefined) return;
		const { classified, answer } = await this.sendOnce(job, ticket);
		if (job.bisection && (classified.kind === 'answered' || classified.kind === 'rejected')) job.bisection.answered += 1;
		const handedOn = classified.kind === 'answered' ? (this.options.onAnswered?.(classified.entries) ?? 0) : 0;
		const spent = creditsSpent(answer, reservation);
		const decision = retryDecision(classified, job.attempt, this.pacing.maxRetries, this.clock.now(), this.pacing.waitDeadline ?? Infinity);
		// An attempt that cost nothing keeps its reservation for the retry: what it drew from an
		// earmark must not go to the other pass during the wait.
		const keeps = decision.retry && spent === 0;
		if (!keeps) this.reservations.pay(reservation, spent, handedOn);
		if (this.settle(job, classified)) return;
		if (!decision.retry) return this.fail(job.identifiers, retriesExhausted(classified, job.attempt));
		this.result.stats.retries += 1;
		if (decision.backoffMs > 0) await this.clock.sleep(decision.backoffMs);
		await this.attempt(job, keeps ? reservation : undefined);
	}

	/** Acts on an answer that settles the job; false for a 429 or a transient failure, which may go again. */
	private settle(job: Job, classified: Classified): boolean {
		switch (classified.kind) {
			case 'answered':
				this.result.entries.push(...classified.entries);
				if (this.options.failFast && classified.entries.some(this.options.failsInput ?? (() => false))) this.passStop.stop(NOT_SENT);
				return true;
			case 'failed':
				this.fail(job.identifiers, { source: 'api', message: classified.message, description: classified.description });
				return true;
			case 'stop':
				this.passStop.stop(classified.failure);
				this.fail(job.identifiers, classified.failure);
				return true;
			case 'resend':
				this.queue.unshift({ identifiers: job.identifiers, attempt: 0 });
				return true;
			case 'rejected':
				this.afterRefusal(withoutNamed(job, classified.identifiers, classified.message));
				return true;
			case 'rejectedUnnamed':
				this.afterRefusal(bisect(job, classified.message));
				return true;
			case 'rateLimited':
				this.result.stats.rateLimited += 1;
				this.pacer.pauseFor(withJitter(classified.waitMs));
				return false;
			case 'transient':
				return false;
		}
	}

	private afterRefusal({ failures, resend, stop }: AfterRefusal): void {
		if (stop) this.passStop.stop(stop);
		for (const [identifier, failure] of failures) this.fail([identifier], failure);
		this.queue.unshift(...resend);
	}
}
