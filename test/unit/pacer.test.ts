import { sleep } from 'n8n-workflow';

import { inFlightFor, MAX_IN_FLIGHT, RequestPacer } from '../../nodes/CrustdataPersonEnrich/transport/pacer';
import { virtualClock } from './transportFixtures';

/** A pacer that lets any number wait for an answer, to test the rate windows alone. */
const pacerWithoutInFlightLimit = (requestsPerMinute: number, clock: ReturnType<typeof virtualClock>) =>
	new RequestPacer(requestsPerMinute, clock, Number.POSITIVE_INFINITY);

/** The headers of an answer that says what the server's window has left. */
const left = (remaining: number, resetSeconds: number) => ({
	'x-ratelimit-remaining': String(remaining),
	'x-ratelimit-reset': String(resetSeconds),
});

describe('RequestPacer', () => {
	it('never lets more than the limit through in any 60-second window', async () => {
		const clock = virtualClock();
		const pacer = pacerWithoutInFlightLimit(15, clock);
		const sentAt: number[] = [];
		for (let i = 0; i < 40; i++) {
			await pacer.waitForSlot();
			sentAt.push(clock.now());
		}
		for (const start of sentAt) {
			expect(sentAt.filter((at) => at >= start && at < start + 60_000).length).toBeLessThanOrEqual(15);
		}
		expect(sentAt[15]).toBe(60_000);
		expect(sentAt[39]).toBe(120_000);
	});

	it('waits for the reset when the server says nothing is left', async () => {
		const clock = virtualClock();
		const pacer = pacerWithoutInFlightLimit(100, clock);
		const ticket = await pacer.waitForSlot();
		pacer.settle(ticket, left(0, 2));
		const next = await pacer.waitForSlot();
		expect(clock.now()).toBe(2000);
		pacer.settle(next, left(4, 2));
		await pacer.waitForSlot();
		expect(clock.now()).toBe(2000);
	});

	it('counts requests still on their way against what the server said was left', async () => {
		const clock = virtualClock();
		const pacer = pacerWithoutInFlightLimit(100, clock);
		const first = await pacer.waitForSlot();
		await pacer.waitForSlot();
		// The answer to the first request: 1 left, but the second request may take it.
		pacer.settle(first, left(1, 3));
		await pacer.waitForSlot();
		expect(clock.now()).toBe(3000);
	});

	it('sends one request when the window resets, and the next only once its answer says there is room', async () => {
		const clock = virtualClock();
		const pacer = pacerWithoutInFlightLimit(100, clock);
		pacer.settle(await pacer.waitForSlot(), left(0, 2));
		const grantedAt: number[] = [];
		const waiting = [1, 2].map(async () => {
			const ticket = await pacer.waitForSlot();
			grantedAt.push(clock.now());
			return ticket;
		});
		const probe = await Promise.race(waiting);
		await sleep(0);
		expect(grantedAt).toEqual([2000]);
		// Only the oldest request left the window; the next leaves half a second later.
		pacer.settle(probe, left(0, 0.5));
		await Promise.all(waiting);
		expect(grantedAt).toEqual([2000, 2500]);
	});

	it('lets a request go after the reset when the one sent to probe it got no answer', async () => {
		const clock = virtualClock();
		const pacer = pacerWithoutInFlightLimit(100, clock);
		pacer.settle(await pacer.waitForSlot(), left(0, 2));
		const probe = await pacer.waitForSlot();
		const next = pacer.waitForSlot();
		pacer.settle(probe);
		await next;
		expect(clock.now()).toBe(2000);
	});

	it('follows the answer to the latest request, not an older one that comes back after it', async () => {
		const clock = virtualClock();
		const pacer = pacerWithoutInFlightLimit(100, clock);
		const older = await pacer.waitForSlot();
		const newer = await pacer.waitForSlot();
		pacer.settle(newer, left(0, 4));
		// The older request reached the server first, before the newer one took the last place.
		pacer.settle(older, left(1, 4));
		await pacer.waitForSlot();
		expect(clock.now()).toBe(4000);
	});
});

describe('a wait deadline', () => {
	it('gives no slot, without waiting, when the server window opens after it', async () => {
		const clock = virtualClock();
		const pacer = pacerWithoutInFlightLimit(100, clock);
		pacer.settle(await pacer.waitForSlot(), left(0, 30));
		expect(await pacer.waitForSlot(20_000)).toBeUndefined();
		expect(clock.now()).toBe(0);
		expect(pacer.rateLimitedUntil()).toBe(30_000);
	});

	it('waits as usual when the window opens before it', async () => {
		const clock = virtualClock();
		const pacer = pacerWithoutInFlightLimit(100, clock);
		pacer.settle(await pacer.waitForSlot(), left(0, 5));
		expect(await pacer.waitForSlot(20_000)).toEqual(expect.any(Number));
		expect(clock.now()).toBe(5000);
	});

	it("counts a 429's pause and the node's own window, not the requests in flight", async () => {
		const clock = virtualClock();
		const paused = pacerWithoutInFlightLimit(100, clock);
		paused.pauseFor(45_000);
		expect(await paused.waitForSlot(20_000)).toBeUndefined();

		const full = pacerWithoutInFlightLimit(1, clock);
		await full.waitForSlot();
		expect(await full.waitForSlot(clock.now() + 20_000)).toBeUndefined();
		expect(full.rateLimitedUntil() - clock.now()).toBe(60_000);

		const busy = new RequestPacer(100, clock, 1);
		const ticket = await busy.waitForSlot();
		const next = busy.waitForSlot(clock.now());
		busy.settle(ticket, left(10, 1));
		expect(await next).toEqual(expect.any(Number));
	});
});

describe('requests in flight', () => {
	it('are as many as the limit per millisecond times the answer time, plus one, within bounds', () => {
		expect(inFlightFor(15, undefined)).toBe(2);
		expect(inFlightFor(15, 1_500)).toBe(2);
		expect(inFlightFor(60, 1_500)).toBe(3);
		expect(inFlightFor(120, 2_000)).toBe(5);
		expect(inFlightFor(1, 100)).toBe(2);
		expect(inFlightFor(100_000, 2_000)).toBe(MAX_IN_FLIGHT);
	});

	/** Takes `count` tickets, each as soon as the pacer lets it go. */
	async function takeTickets(pacer: RequestPacer, count: number): Promise<{ tickets: number[]; held: Promise<number> }> {
		const tickets: number[] = [];
		for (let i = 0; i < count; i++) tickets.push(await pacer.waitForSlot());
		const held = pacer.waitForSlot();
		let granted = false;
		void held.then(() => (granted = true));
		await sleep(0);
		expect(granted).toBe(false);
		return { tickets, held };
	}

	it('follow the answer times: two before the first answer, then what the limit needs', async () => {
		const clock = virtualClock();
		const pacer = new RequestPacer(120, clock);
		const first = await takeTickets(pacer, 2);
		await clock.sleep(2_000);
		pacer.settle(first.tickets[0], { 'x-ratelimit-remaining': '100' });
		pacer.settle(first.tickets[1], { 'x-ratelimit-remaining': '100' });
		// Answers take 2 s at 2 requests a second: 4 keep the rate up, and one more for the burst.
		expect(pacer.allowedInFlight).toBe(5);
		await first.held;
		await takeTickets(pacer, 4);
	});

	it('learn nothing from a request that got no answer, such as a timeout', async () => {
		const clock = virtualClock();
		const pacer = new RequestPacer(120, clock);
		const ticket = await pacer.waitForSlot();
		await clock.sleep(60_000);
		pacer.settle(ticket);
		expect(pacer.allowedInFlight).toBe(2);
	});

	it('stay at the Concurrency the user set, whatever the answer times', async () => {
		const clock = virtualClock();
		const pacer = new RequestPacer(120, clock, 1);
		const { tickets, held } = await takeTickets(pacer, 1);
		await clock.sleep(2_000);
		pacer.settle(tickets[0], { 'x-ratelimit-remaining': '100' });
		// Automatic, 2 s answers at 2 a second would allow 5.
		expect(pacer.allowedInFlight).toBe(1);
		await held;
		await takeTickets(pacer, 0);
		expect(pacer.inFlightCeiling).toBe(1);
	});
});

describe('absurd reset headers (security review)', () => {
	it.each(['86400', '1e12'])('waits at most the 60 s window when the server says its window resets in %p s', async (reset) => {
		const clock = virtualClock();
		const pacer = pacerWithoutInFlightLimit(100, clock);
		pacer.settle(await pacer.waitForSlot(), { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset });
		await pacer.waitForSlot();
		expect(clock.now()).toBe(60_000);
	});

	it('takes a negative reset as none: the next request goes at once', async () => {
		const clock = virtualClock();
		const pacer = pacerWithoutInFlightLimit(100, clock);
		pacer.settle(await pacer.waitForSlot(), { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '-5' });
		await pacer.waitForSlot();
		expect(clock.now()).toBe(0);
	});
});
