// Refused requests: identifiers a 400 names fail alone and the rest go again; a 400 that names none is halved until they stand alone.
import { quoted } from '../quantities';
import type { ItemFailure } from '../types';

/** Requests halved from one planned request, to find which identifiers a 400 without names refuses. */
export interface Bisection {
	refused: number;
	answered: number;
}

/** One request the send loop will send: its identifiers, how often it was tried, and the bisection it is part of. */
export interface Job {
	identifiers: string[];
	attempt: number;
	bisection?: Bisection;
}

/** Bisection that finds every half refused too is not looking at bad identifiers but a bad request. */
const REFUSALS_BEFORE_GIVING_UP = 4;

/** The reason a 400 gives, without the list of identifiers that follows it. */
function rejectionReason(message: string): string {
	return message.split(/:\s/)[0].trim() || 'invalid identifier';
}

export function rejectedFailure(identifier: string, message: string, resent: boolean): ItemFailure {
	return {
		source: 'api',
		message: `Crustdata rejected ${quoted(identifier)}: ${rejectionReason(message)}`,
		description: resent
			? 'Correct the identifier in the input item; the other identifiers of the request were sent again without it'
			: 'Correct the identifier in the input item',
		httpCode: '400',
	};
}

/** What follows a refusal: identifiers that fail, and requests to send in place of the refused one. */
export interface AfterRefusal {
	failures: Array<[identifier: string, failure: ItemFailure]>;
	resend: Job[];
	/** Set when the whole request is bad, not an identifier: the pass stops with it. */
	stop?: ItemFailure;
}

/** A 400 that names identifiers: those fail, the others go again without them. */
export function withoutNamed(job: Job, named: string[], message: string): AfterRefusal {
	const rest = job.identifiers.filter((identifier) => !named.includes(identifier));
	return {
		failures: named.map((identifier) => [identifier, rejectedFailure(identifier, message, rest.length > 0)]),
		resend: rest.length > 0 ? [{ identifiers: rest, attempt: 0 }] : [],
	};
}

/**
 * A 400 that names nothing: the request is halved until the refused identifiers stand alone.
 * When every part is refused and none answered, the problem is the request, and the pass stops.
 */
export function bisect(job: Job, message: string): AfterRefusal {
	const bisection = job.bisection ?? { refused: 0, answered: 0 };
	bisection.refused += 1;
	if (bisection.answered === 0 && bisection.refused >= REFUSALS_BEFORE_GIVING_UP) {
		const refused: ItemFailure = {
			source: 'api',
			message: `Crustdata refused the request: ${message}`,
			description: 'Every part of the request was refused, so the problem is not one identifier: check the node settings',
			httpCode: '400',
		};
		return { failures: job.identifiers.map((identifier) => [identifier, refused]), resend: [], stop: refused };
	}
	if (job.identifiers.length === 1) {
		return { failures: [[job.identifiers[0], rejectedFailure(job.identifiers[0], message, false)]], resend: [] };
	}
	const half = Math.ceil(job.identifiers.length / 2);
	return {
		failures: [],
		resend: [
			{ identifiers: job.identifiers.slice(0, half), attempt: 0, bisection },
			{ identifiers: job.identifiers.slice(half), attempt: 0, bisection },
		],
	};
}
