// Credit reservation: what each request of a pass holds from the run's credit cap, gives back, and pays once answered.
import type { CreditCap, Reservation } from '../credits/creditCap';
import type { ItemFailure } from '../types';
import { numberHeader, type HttpAnswer } from './answerPolicy';

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
export function creditsSpent(answer: HttpAnswer | undefined, reservation: Reservation): number {
	const used = answer && numberHeader(answer.headers, 'x-credits-used');
	if (used !== undefined) return used;
	const mayHaveBilled = !answer || answer.statusCode < 300 || GATEWAY_GAVE_UP.includes(answer.statusCode);
	return mayHaveBilled ? reservation.credits : 0;
}

/** A pass's reservations. Without a cap every request is reserved in full and costs the cap nothing. */
export class PassReservations {
	/** What one identifier may cost: the price table's worst case, raised if Crustdata ever bills more. */
	private each: number;

	constructor(private readonly credits: PassCredits | undefined) {
		this.each = credits?.each ?? 0;
	}

	/** Why an identifier the cap affords nothing for fails. */
	get refusal(): ItemFailure | undefined {
		return this.credits?.cap.failure;
	}

	/** Holds what `count` identifiers may cost; the reservation's count is how many of them the cap affords. */
	async reserve(count: number): Promise<Reservation> {
		if (!this.credits) return { count, credits: 0 };
		return await this.credits.cap.reserve(count, this.each, this.credits.fromEarmark);
	}

	/** A request that goes out no more: what it held is given back, so no request of another pass waits for it. */
	release(reservation: Reservation): void {
		this.credits?.cap.settle(reservation, 0);
	}

	/** Identifiers that will never be sent give back what an earlier pass held back for them. */
	forgo(count: number): void {
		if (this.credits?.fromEarmark) this.credits.cap.releaseEarmark(count * this.each);
	}

	/**
	 * Pays what an answered (or unanswered) request cost, with what stays earmarked for the people
	 * it handed on, and learns a higher price when Crustdata billed more than the reservation.
	 */
	pay(reservation: Reservation, spent: number, handedOn: number): void {
		if (!this.credits) return;
		this.credits.cap.settle(reservation, spent, handedOn * (this.credits.handedOnEach ?? 0));
		if (spent > reservation.credits) this.each = Math.max(this.each, spent / reservation.count);
	}
}
