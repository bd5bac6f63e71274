// The credit cap (Max Credits): what a run has spent, what its requests in flight hold, and what is earmarked for a later pass.
import type { ItemFailure } from '../types';

/**
 * A run never spends more than the cap. Before each request the send loop reserves that
 * request's worst case and sends only what the reservation lets fit; the answer's
 * `x-credits-used` then says what it really cost and the rest is given back. Requests still
 * waiting for an answer hold their reservation, so they count against the cap.
 */

/** Credits are counted to a millionth, so fractional prices (0.5) add up without drift. */
const PRECISION = 1e6;

const rounded = (credits: number) => Math.round(credits * PRECISION) / PRECISION;

/** How many identifiers at `each` credits fit in `left` credits, at most `count`. */
export function affordableCount(count: number, each: number, left: number): number {
	if (each <= 0) return count;
	return Math.max(0, Math.min(count, Math.floor(rounded(left / each))));
}

export function overCapFailure(cap: number): ItemFailure {
	return {
		source: 'input',
		message: `Not sent: the credit cap of ${cap.toLocaleString('en-US')} would be exceeded`,
		description: 'Raise Max Credits in the node options, or run these items again in another execution',
		overCap: true,
	};
}

export interface Reservation {
	/** Identifiers of the request the reservation lets go out, from the front of the list. */
	count: number;
	credits: number;
}

export class CreditCap {
	private spent = 0;

	/** Held by requests waiting for an answer, and earmarked for later requests. */
	private reserved = 0;

	/** Held back for requests a later pass will make for people already paid for (their contact data). */
	private earmarked = 0;

	private inFlight = 0;

	private readonly waiters: Array<() => void> = [];

	readonly failure: ItemFailure;

	constructor(readonly cap: number) {
		this.failure = overCapFailure(cap);
	}

	get spentCredits(): number {
		return this.spent;
	}

	private get left(): number {
		return rounded(this.cap - this.spent - this.reserved);
	}

	/**
	 * Reserves credits for as many of `count` identifiers at `each` as fit. When not all fit while
	 * other requests are still out, it waits for their answers: what they did not spend comes
	 * back. `fromEarmark` lets a request use what an earlier answer held back for it.
	 */
	async reserve(count: number, each: number, fromEarmark = false): Promise<Reservation> {
		for (;;) {
			const earmark = fromEarmark ? this.earmarked : 0;
			const fits = affordableCount(count, each, this.left + earmark);
			if (fits === count || this.inFlight === 0) {
				const credits = rounded(fits * each);
				const taken = Math.min(earmark, credits);
				this.earmarked = rounded(this.earmarked - taken);
				this.reserved = rounded(this.reserved + credits - taken);
				if (fits > 0) this.inFlight += 1;
				return { count: fits, credits };
			}
			await new Promise<void>((wake) => this.waiters.push(wake));
		}
	}

	/**
	 * Ends a reservation with what the request spent, keeping `earmark` of the rest for the
	 * requests a later pass will make for people this one found.
	 */
	settle(reservation: Reservation, spent: number, earmark = 0): void {
		if (reservation.count === 0) return;
		const kept = Math.max(0, Math.min(earmark, reservation.credits - spent));
		this.inFlight -= 1;
		this.spent = rounded(this.spent + spent);
		this.reserved = rounded(this.reserved - reservation.credits + kept);
		this.earmarked = rounded(this.earmarked + kept);
		this.wake();
	}

	/** Gives back what was earmarked for requests that will not be sent. */
	releaseEarmark(credits: number): void {
		const released = Math.min(this.earmarked, credits);
		this.earmarked = rounded(this.earmarked - released);
		this.reserved = rounded(this.reserved - released);
		this.wake();
	}

	/** Credits came back: every reservation waiting looks again. */
	private wake(): void {
		for (const wake of this.waiters.splice(0)) wake();
	}
}
