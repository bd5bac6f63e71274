// The pacer: when the next request may go out.
import type { IDataObject } from 'n8n-workflow';

import { numberHeader, serverWaitMs } from './answerPolicy';

/**
 * Never more than the rate limit in any 60-second window, no request while the server's own
 * window is full, and no more requests waiting for an answer than the limit and the answer
 * times need.
 */

const WINDOW_MS = 60_000;

/** The most requests in flight when Concurrency is automatic: each may complete after credits run out. */
export const MAX_IN_FLIGHT = 10;

/** In flight until the first answer says how long answers take. */
const IN_FLIGHT_BEFORE_FIRST_ANSWER = 2;

/** Weight of the newest answer time in the running estimate. */
const ANSWER_TIME_WEIGHT = 0.3;

export type Clock = { now: () => number; sleep: (ms: number) => Promise<void> };

/**
 * How many requests may wait for an answer at once so that they do not hold the rate below the
 * limit: the limit per millisecond times the answer time, rounded up, plus one so a window's
 * burst is not held back by the answer time.
 */
export function inFlightFor(requestsPerMinute: number, answerTimeMs: number | undefined): number {
	if (answerTimeMs === undefined) return IN_FLIGHT_BEFORE_FIRST_ANSWER;
	return Math.min(MAX_IN_FLIGHT, Math.ceil((requestsPerMinute / WINDOW_MS) * answerTimeMs) + 1);
}

/** Requests sent in the last 60 seconds, against a limit; one can be shared by several pacers. */
export class SlidingWindow {
	private readonly sentAt: number[] = [];

	constructor(readonly requestsPerMinute: number) {}

	/** When the next request fits in the window. */
	freeAt(now: number): number {
		while (this.sentAt.length > 0 && this.sentAt[0] <= now - WINDOW_MS) this.sentAt.shift();
		return this.sentAt.length >= this.requestsPerMinute ? this.sentAt[0] + WINDOW_MS : now;
	}

	record(now: number): void {
		this.sentAt.push(now);
	}
}

export class RequestPacer {
	private readonly ownWindow: SlidingWindow;

	/** Windows this pacer's requests share with other endpoints': the key's limit across all of them. */
	private readonly windows: SlidingWindow[];

	private sentCount = 0;

	private pausedUntil = 0;

	/** Tickets of requests waiting for an answer, with when each went out. */
	private readonly inFlight = new Map<number, number>();

	private answerTimeMs: number | undefined;

	/** What the server's window has left, as far as its answers and our later sends tell. */
	private serverBudget: { remaining: number; resetAt: number } | undefined;

	/** The request whose answer the budget follows; answers to earlier requests may be older news. */
	private followedTicket = 0;

	/** The one request sent after the server's window reset, to learn how much the reset freed. */
	private probeTicket: number | undefined;

	private readonly wakeWaiters: Array<() => void> = [];

	/** `fixedInFlight` 0 lets the number in flight follow the limit and the answer times. */
	constructor(
		private readonly requestsPerMinute: number,
		private readonly clock: Clock,
		private readonly fixedInFlight = 0,
		sharedWindow?: SlidingWindow,
	) {
		this.ownWindow = new SlidingWindow(requestsPerMinute);
		this.windows = sharedWindow ? [this.ownWindow, sharedWindow] : [this.ownWindow];
	}

	/** The most requests this pacer will ever have in flight. */
	get inFlightCeiling(): number {
		return this.fixedInFlight > 0 ? this.fixedInFlight : MAX_IN_FLIGHT;
	}

	/** Requests that may wait for an answer at once, now. */
	get allowedInFlight(): number {
		return this.fixedInFlight > 0 ? this.fixedInFlight : inFlightFor(this.requestsPerMinute, this.answerTimeMs);
	}

	/**
	 * Resolves when a request may go out; the ticket it returns goes back with `settle`. Given
	 * `latestStart`, it resolves to undefined at once when the rate limit holds the request past
	 * it, so a caller with a deadline (an agent's tool call) can answer instead of waiting. A
	 * request the rate limit does not hold goes whenever it comes.
	 */
	async waitForSlot(): Promise<number>;
	async waitForSlot(latestStart: number): Promise<number | undefined>;
	async waitForSlot(latestStart = Infinity): Promise<number | undefined> {
		for (;;) {
			const now = this.clock.now();
			const rateLimitedUntil = this.rateLimitedUntil(now);
			if (rateLimitedUntil > now && rateLimitedUntil > latestStart) return undefined;
			const inFlightFreeAt = this.inFlight.size >= this.allowedInFlight ? Infinity : now;
			const readyAt = Math.max(rateLimitedUntil, this.serverWindowFreeAt(now), inFlightFreeAt);
			if (readyAt <= now) return this.send(now);
			if (readyAt === Infinity) await new Promise<void>((wake) => this.wakeWaiters.push(wake));
			else await this.clock.sleep(readyAt - now);
		}
	}

	/**
	 * When the rate limit lets the next request go: our windows, the server's window and a 429's
	 * pause. Requests in flight and a pending probe are left out, as their answers come soon.
	 */
	rateLimitedUntil(now = this.clock.now()): number {
		const windowsFreeAt = Math.max(...this.windows.map((window) => window.freeAt(now)));
		const serverFreeAt = this.serverWindowFreeAt(now);
		return Math.max(windowsFreeAt, serverFreeAt === Infinity ? now : serverFreeAt, this.pausedUntil);
	}

	pauseFor(ms: number): void {
		this.pausedUntil = Math.max(this.pausedUntil, this.clock.now() + ms);
	}

	/**
	 * Takes back the ticket of a request that is over, with its answer's headers when it got
	 * one, and follows their `x-ratelimit-remaining` and `x-ratelimit-reset`.
	 */
	settle(ticket: number, headers?: IDataObject): void {
		const sentAt = this.inFlight.get(ticket);
		if (sentAt === undefined) return;
		this.inFlight.delete(ticket);
		if (ticket === this.probeTicket) this.probeTicket = undefined;
		if (headers) {
			// Only answers count: a timeout says how long we waited, not how long answers take.
			const answerTimeMs = this.clock.now() - sentAt;
			this.answerTimeMs =
				this.answerTimeMs === undefined
					? answerTimeMs
					: this.answerTimeMs + ANSWER_TIME_WEIGHT * (answerTimeMs - this.answerTimeMs);
			if (ticket > this.followedTicket) this.follow(headers, ticket);
		}
		for (const wake of this.wakeWaiters.splice(0)) wake();
	}

	private follow(headers: IDataObject, ticket: number): void {
		const remaining = numberHeader(headers, 'x-ratelimit-remaining');
		if (remaining === undefined) return;
		this.followedTicket = ticket;
		// Requests still on their way may reach the server after this one did, so they count too.
		this.serverBudget = {
			remaining: remaining - this.inFlight.size,
			resetAt: this.clock.now() + (serverWaitMs(headers, 'x-ratelimit-reset') ?? 0),
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
		for (const window of this.windows) window.record(now);
		this.inFlight.set(ticket, now);
		if (this.serverBudget) {
			if (this.serverBudget.remaining <= 0) this.probeTicket = ticket;
			this.serverBudget.remaining -= 1;
		}
		return ticket;
	}
}
