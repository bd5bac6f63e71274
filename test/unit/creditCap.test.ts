import { affordableCount, CreditCap } from '../../nodes/CrustdataPersonEnrich/credits/creditCap';

describe('affordableCount', () => {
	it('fits whole identifiers only, and never more than asked', () => {
		expect(affordableCount(25, 1, 30)).toBe(25);
		expect(affordableCount(25, 2, 30)).toBe(15);
		expect(affordableCount(25, 7, 6.9)).toBe(0);
		expect(affordableCount(25, 1.5, 3)).toBe(2);
	});

	it('is not thrown off by fractions that do not add up exactly in binary', () => {
		expect(affordableCount(10, 0.1, 0.1 + 0.2)).toBe(3);
	});

	it('lets everything through when nothing is billed (a preview)', () => {
		expect(affordableCount(25, 0, 0)).toBe(25);
	});
});

/** Whether a reservation is still waiting, after the promises that could settle it have run. */
async function isWaiting(reservation: Promise<unknown>): Promise<boolean> {
	let settled = false;
	void reservation.then(() => (settled = true));
	for (let turn = 0; turn < 10; turn++) await Promise.resolve();
	return !settled;
}

describe('CreditCap', () => {
	it('a cap smaller than one identifier affords nothing', async () => {
		const cap = new CreditCap(1);
		expect(await cap.reserve(25, 2)).toEqual({ count: 0, credits: 0 });
		expect(cap.failure.message).toBe('Not sent: the credit cap of 1 would be exceeded');
	});

	it('a cap of exactly one request affords that request, then nothing', async () => {
		const cap = new CreditCap(25);
		const first = await cap.reserve(25, 1);
		expect(first).toEqual({ count: 25, credits: 25 });
		cap.settle(first, 25);
		expect(await cap.reserve(25, 1)).toEqual({ count: 0, credits: 0 });
		expect(cap.spentCredits).toBe(25);
	});

	it('counts requests in flight: a request that does not fit waits for their answers, then shrinks to what is left', async () => {
		const cap = new CreditCap(30);
		const first = await cap.reserve(25, 1);
		const second = cap.reserve(25, 1);
		expect(await isWaiting(second)).toBe(true);
		cap.settle(first, 25);
		expect(await second).toEqual({ count: 5, credits: 5 });
	});

	it('gives back what an answer did not spend, so more fits', async () => {
		const cap = new CreditCap(30);
		const first = await cap.reserve(25, 1);
		const second = cap.reserve(25, 1);
		// Ten of the first request's people were not found, and no match is billed.
		cap.settle(first, 15);
		expect(await second).toEqual({ count: 15, credits: 15 });
	});

	it('does not wait when nothing is in flight that could give credits back', async () => {
		const cap = new CreditCap(10);
		expect(await cap.reserve(25, 1)).toEqual({ count: 10, credits: 10 });
	});

	it('counts what an answer spent beyond its reservation', async () => {
		const cap = new CreditCap(10);
		const first = await cap.reserve(5, 1);
		cap.settle(first, 8);
		expect(await cap.reserve(5, 1)).toEqual({ count: 2, credits: 2 });
	});

	it("keeps a profile request's earmark for the contact request of the people it found, and only for that", async () => {
		const cap = new CreditCap(20);
		// Profile plus business email: at most 2 a person, 1 of which is the contact data.
		const profiles = await cap.reserve(10, 2);
		expect(profiles.count).toBe(10);
		// 6 people found: 6 credits spent, 6 kept for their contact data, 8 given back.
		cap.settle(profiles, 6, 6);
		expect(await cap.reserve(25, 2)).toEqual({ count: 4, credits: 8 });
		const contact = await cap.reserve(6, 1, true);
		expect(contact).toEqual({ count: 6, credits: 6 });
	});

	it('a request that cannot use the earmark does not get it', async () => {
		const cap = new CreditCap(4);
		const profiles = await cap.reserve(2, 2);
		cap.settle(profiles, 2, 2);
		expect(await cap.reserve(1, 1)).toEqual({ count: 0, credits: 0 });
		cap.releaseEarmark(2);
		expect(await cap.reserve(1, 1)).toEqual({ count: 1, credits: 1 });
	});
});
