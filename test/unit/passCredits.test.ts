import { CreditCap } from '../../nodes/CrustdataPersonEnrich/credits/creditCap';
import { creditsSpent, PassReservations } from '../../nodes/CrustdataPersonEnrich/transport/passCredits';
import { answer } from './transportFixtures';

describe('creditsSpent', () => {
	const reservation = { count: 5, credits: 10 };

	it("takes Crustdata's x-credits-used when it is given", () => {
		expect(creditsSpent(answer(200, [], { 'x-credits-used': '3' }), reservation)).toBe(3);
		expect(creditsSpent(answer(500, {}, { 'x-credits-used': '0' }), reservation)).toBe(0);
	});

	it('counts the whole reservation as spent when the request may have been billed and no header says', () => {
		expect(creditsSpent(answer(200, []), reservation)).toBe(10);
		expect(creditsSpent(answer(504, 'Gateway Timeout'), reservation)).toBe(10);
		expect(creditsSpent(undefined, reservation)).toBe(10);
	});

	it("counts refusals and Crustdata's own errors as free", () => {
		expect(creditsSpent(answer(400, {}), reservation)).toBe(0);
		expect(creditsSpent(answer(429, {}), reservation)).toBe(0);
		expect(creditsSpent(answer(500, {}), reservation)).toBe(0);
	});
});

describe('PassReservations', () => {
	it('without a cap, reserves every identifier for nothing and refuses none', async () => {
		const reservations = new PassReservations(undefined);
		expect(await reservations.reserve(25)).toEqual({ count: 25, credits: 0 });
		expect(reservations.refusal).toBeUndefined();
		reservations.pay({ count: 25, credits: 0 }, 25, 0);
	});

	it('reserves only what the cap affords, and refuses with the cap message once it affords nothing', async () => {
		const cap = new CreditCap(5);
		const reservations = new PassReservations({ cap, each: 2 });
		expect(await reservations.reserve(4)).toEqual({ count: 2, credits: 4 });
		expect(reservations.refusal).toBe(cap.failure);
		expect(reservations.refusal?.overCap).toBe(true);
	});

	it('gives back a released reservation in full, and pays only what an answer cost', async () => {
		const cap = new CreditCap(10);
		const reservations = new PassReservations({ cap, each: 2 });
		reservations.release(await reservations.reserve(5));
		expect(await reservations.reserve(5)).toEqual({ count: 5, credits: 10 });
		const paid = new PassReservations({ cap: new CreditCap(10), each: 2 });
		paid.pay(await paid.reserve(5), 4, 0);
		expect(await paid.reserve(5)).toEqual({ count: 3, credits: 6 });
	});

	it('learns a higher price from an answer that cost more than reserved, and reserves that from then on', async () => {
		const cap = new CreditCap(100);
		const reservations = new PassReservations({ cap, each: 1 });
		reservations.pay(await reservations.reserve(2), 6, 0);
		expect(await reservations.reserve(2)).toEqual({ count: 2, credits: 6 });
	});

	it('keeps earmarked what people handed on to a later pass will cost, for that pass alone', async () => {
		const cap = new CreditCap(10);
		const profiles = new PassReservations({ cap, each: 3, handedOnEach: 2 });
		const contact = new PassReservations({ cap, each: 2, fromEarmark: true });
		const other = new PassReservations({ cap, each: 1 });
		profiles.pay(await profiles.reserve(3), 3, 3);
		expect(await other.reserve(10)).toEqual({ count: 1, credits: 1 });
		expect(await contact.reserve(3)).toEqual({ count: 3, credits: 6 });
	});

	it('gives back the earmark of people a pass will never ask for', async () => {
		const cap = new CreditCap(10);
		const profiles = new PassReservations({ cap, each: 3, handedOnEach: 2 });
		const contact = new PassReservations({ cap, each: 2, fromEarmark: true });
		profiles.pay(await profiles.reserve(3), 3, 3);
		contact.forgo(3);
		expect(await new PassReservations({ cap, each: 1 }).reserve(10)).toEqual({ count: 7, credits: 7 });
	});
});
