import type { IDataObject, INodeParameters } from 'n8n-workflow';

import type { Sandbox } from '../sandbox/server';
import { enrichRequests, profileUrl, runNode, urlItems, useSandbox, type RunOptions } from './runNode';

// Spending safely, through n8n's engine and real HTTP to the sandbox: a dry run that sends
// nothing billable and tells what the run will do, and a hard credit cap.

const currentSandbox = useSandbox({ rateLimit: { limit: 40, windowMs: 60_000 } });
let sandbox: Sandbox;
beforeEach(() => {
	sandbox = currentSandbox();
});

const CAP_MESSAGE = (cap: number) => `Not sent: the credit cap of ${cap} would be exceeded`;
const urls = (count: number, prefix = 'spend') => Array.from({ length: count }, (_, i) => profileUrl(`${prefix}-${i}`));
const freeOnly = () => sandbox.requests.every((request) => request.method === 'GET' && request.path.startsWith('/account/'));
const matched = (items: Array<{ json: IDataObject }>) => items.filter((item) => item.json.match_status === 'matched');

const withOptions = (options: INodeParameters, extra: RunOptions = {}): RunOptions => ({
	...extra,
	parameters: { fields: ['basic_profile'], ...extra.parameters, options },
});

describe('dry run', () => {
	const inputs = [...urls(30), 'https://uk.linkedin.com/in/SPEND-3/', profileUrl('spend-7') + '?trk=x', 'not a url'];

	it('sends nothing billable and outputs one item, paired with every input, with what the run would do', async () => {
		sandbox.configure({ creditBudget: 500 });
		const run = await runNode(sandbox, withOptions({ dryRun: true }, { items: urlItems(inputs) }));
		expect(run.status).toBe('success');
		expect(freeOnly()).toBe(true);
		expect(run.outputs[0]).toHaveLength(1);
		const [item] = run.outputs[0];
		expect(item.json).toEqual({
			dry_run: true,
			inputs: 33,
			unique_identifiers: 30,
			duplicates: 2,
			rejected: [{ item: 32, identifier: 'not a url', reason: '"not a url" is not a LinkedIn profile URL' }],
			requests: 2,
			max_credits: 30,
			credits_available: 500,
			rate_limit_per_minute: 40,
			estimated_seconds: 0,
		});
		expect(item.pairedItem).toEqual(inputs.map((_, index) => ({ item: index })));
	});

	it('its figures are what the same run then does', async () => {
		const options = { ...withOptions({}, { items: urlItems([...inputs, ...urls(5, 'nomatch')]) }), onError: 'continueRegularOutput' as const };
		const dry = (await runNode(sandbox, { ...options, parameters: { ...options.parameters, options: { dryRun: true } } })).outputs[0][0].json;
		sandbox.reset();
		const run = await runNode(sandbox, options);
		expect(enrichRequests(sandbox)).toHaveLength(dry.requests as number);
		expect(sandbox.creditsUsed).toBeLessThanOrEqual(dry.max_credits as number);
		expect(sandbox.creditsUsed).toBe(30);
		expect(run.outputs[0]).toHaveLength(dry.inputs as number);
	});

	it('counts the contact requests and the contact data where the account gets them from the contact endpoint', async () => {
		sandbox.configure({ apiGeneration: 2 });
		const parameters = { fields: ['basic_profile', 'contact'], contactFields: ['business_emails', 'phone_numbers'] };
		const items = urlItems(urls(30, 'fullcontact-spend'));
		const dry = (await runNode(sandbox, { items, parameters: { ...parameters, options: { dryRun: true } } })).outputs[0][0].json;
		expect(freeOnly()).toBe(true);
		expect(dry).toMatchObject({ requests: 4, max_credits: 30 * (1 + 1 + 2) });
		sandbox.reset();
		await runNode(sandbox, { items, parameters });
		expect(enrichRequests(sandbox)).toHaveLength(4);
		expect(sandbox.creditsUsed).toBeLessThanOrEqual(dry.max_credits as number);
	});

	it('works for email lookups, and says how long the run would take at the limit it would be paced at', async () => {
		const emails = Array.from({ length: 60 }, (_, i) => ({ email: `person${i}@acme.io` }));
		const run = await runNode(sandbox, {
			items: emails,
			parameters: {
				identifierType: 'businessEmail',
				businessEmail: '={{ $json.email }}',
				fields: ['basic_profile'],
				options: { dryRun: true, maxRequestsPerMinute: 1 },
			},
		});
		expect(freeOnly()).toBe(true);
		expect(run.outputs[0][0].json).toMatchObject({ unique_identifiers: 60, requests: 3, rate_limit_per_minute: 1, estimated_seconds: 120 });
	});

	it('works for Enrich Live, priced at its flat 7 credits a profile', async () => {
		const run = await runNode(sandbox, {
			items: urlItems(urls(30)),
			parameters: { operation: 'enrichLive', fields: ['basic_profile'], options: { dryRun: true } },
		});
		expect(freeOnly()).toBe(true);
		expect(run.outputs[0][0].json).toMatchObject({ unique_identifiers: 30, requests: 2, max_credits: 210 });
	});

	it('under Max Credits, its figures are what the capped run then does when everyone is found', async () => {
		const options = withOptions({ maxCredits: 30 }, { items: urlItems(urls(100)), onError: 'continueRegularOutput' });
		const dry = (await runNode(sandbox, { ...options, parameters: { ...options.parameters, options: { maxCredits: 30, dryRun: true } } }))
			.outputs[0][0].json;
		expect(freeOnly()).toBe(true);
		expect(dry).toMatchObject({ unique_identifiers: 100, requests: 2, max_credits: 30 });
		sandbox.reset();
		await runNode(sandbox, options);
		expect(enrichRequests(sandbox).map((request) => ((request.body as IDataObject).professional_network_profile_urls as string[]).length)).toEqual([
			25, 5,
		]);
		expect(enrichRequests(sandbox)).toHaveLength(dry.requests as number);
		expect(sandbox.creditsUsed).toBe(dry.max_credits);
	});

	it('with a cap, the most it could cost is the cap', async () => {
		const run = await runNode(sandbox, withOptions({ dryRun: true, maxCredits: 12 }, { items: urlItems(urls(30)) }));
		expect(run.outputs[0][0].json.max_credits).toBe(12);
	});

	it('fails as the run would when the account refuses it, without sending anything billable', async () => {
		const run = await runNode(sandbox, {
			items: urlItems(urls(3)),
			parameters: { fields: ['basic_profile', 'certifications'], options: { dryRun: true } },
		});
		expect(run.status).toBe('error');
		expect(run.error?.message).toMatch(/certifications/);
		expect(freeOnly()).toBe(true);
	});
});

describe('credit cap', () => {
	it('spends at most the cap, enriches what it could afford and fails the rest with the cap message', async () => {
		const run = await runNode(sandbox, withOptions({ maxCredits: 30 }, { items: urlItems(urls(100)), onError: 'continueRegularOutput' }));
		expect(run.status).toBe('success');
		expect(sandbox.creditsUsed).toBeLessThanOrEqual(30);
		const items = run.outputs[0];
		expect(items).toHaveLength(100);
		expect(matched(items)).toHaveLength(30);
		const failed = items.filter((item) => item.json.error);
		expect(failed).toHaveLength(70);
		expect(new Set(failed.map((item) => item.json.error))).toEqual(new Set([CAP_MESSAGE(30)]));
		expect(items.map((item) => item.pairedItem)).toEqual(items.map((_, index) => ({ item: index })));
		expect(run.hints.map((hint) => hint.message)).toContain('Stopped at the credit cap of 30 credits: 70 inputs were not sent');
	});

	it('enriches more inputs than the cap when duplicates and no-matches cost nothing', async () => {
		const found = urls(20);
		const inputs = [...found.slice(0, 10), ...urls(10, 'nomatch-spend'), ...found.slice(10), ...found];
		const run = await runNode(sandbox, withOptions({ maxCredits: 25 }, { items: urlItems(inputs), onError: 'continueRegularOutput' }));
		expect(sandbox.creditsUsed).toBe(20);
		expect(matched(run.outputs[0])).toHaveLength(40);
		expect(run.outputs[0].filter((item) => item.json.error)).toEqual([]);
	});

	it('under Stop, fails with the cap message after the affordable part, and says how many inputs were left and what was paid for', async () => {
		const run = await runNode(sandbox, withOptions({ maxCredits: 30 }, { items: urlItems(urls(100)) }));
		expect(run.status).toBe('error');
		expect(run.error?.message).toBe(CAP_MESSAGE(30));
		expect(run.error?.description).toBe(
			'70 inputs were left unsent. Raise Max Credits in the node options, or run these items again in another execution. ' +
				'The run had spent 30 credits and enriched 30 inputs; a node that stops outputs nothing, so set On Error to Continue to keep what it enriches.',
		);
		expect(sandbox.creditsUsed).toBe(30);
	});

	it('refuses a Max Credits its expression gives no number for, before sending anything', async () => {
		const run = await runNode(sandbox, withOptions({ maxCredits: '={{ $json.budget }}' }, { items: urlItems(urls(3)) }));
		expect(run.status).toBe('error');
		expect(run.error?.message).toBe('Max Credits must be a number, 0 or more');
		expect(sandbox.requests).toEqual([]);
	});

	it('for email lookups with every candidate and contact data from the contact endpoint, buys further candidates\' contact data only as far as the cap allows', async () => {
		sandbox.configure({ apiGeneration: 2 });
		const emails = ['multi.ann.lee@acme.io', 'multi.bob.ray@acme.io', 'multi.cy.tan@acme.io', 'multi.di.orr@acme.io'];
		const run = await runNode(sandbox, {
			items: emails.map((email) => ({ email })),
			onError: 'continueRegularOutput',
			parameters: {
				identifierType: 'businessEmail',
				businessEmail: '={{ $json.email }}',
				fields: ['basic_profile', 'contact'],
				options: { maxCredits: 8 },
			},
		});
		// 4 credits for the emails' profiles, and the 4 the cap leaves buy the contact data of 6 of
		// the 12 candidates: those without a business email cost nothing and give their share back.
		expect(sandbox.creditsUsed).toBe(8);
		const items = run.outputs[0];
		expect(matched(items)).toHaveLength(12);
		const refused = items.filter((item) => item.json.contact_error);
		expect(refused).toHaveLength(6);
		expect(new Set(refused.map((item) => item.json.contact_error))).toEqual(new Set([`Could not get contact data: ${CAP_MESSAGE(8)}`]));
		for (const item of items.filter((one) => !one.json.contact_error)) {
			expect((item.json.person_data as IDataObject).contact).toHaveProperty('business_emails');
		}
	});

	it('with contact data from the contact endpoint, buys no profile whose contact data it could not then afford', async () => {
		sandbox.configure({ apiGeneration: 2 });
		const run = await runNode(sandbox, {
			items: urlItems(urls(20, 'fullcontact-capped')),
			onError: 'continueRegularOutput',
			parameters: { fields: ['basic_profile', 'contact'], contactFields: ['business_emails'], options: { maxCredits: 21 } },
		});
		expect(sandbox.creditsUsed).toBeLessThanOrEqual(21);
		const enriched = matched(run.outputs[0]);
		expect(enriched).toHaveLength(10);
		for (const item of enriched) {
			expect(item.json).not.toHaveProperty('contact_error');
			expect(((item.json.person_data as IDataObject).contact as IDataObject).business_emails).toHaveLength(1);
		}
		expect(run.outputs[0].filter((item) => item.json.error === CAP_MESSAGE(21))).toHaveLength(10);
	});

	it('under Stop, says in the out-of-credits error what the run could cost beside what the account held, and what it had paid for', async () => {
		sandbox.configure({ creditBudget: 10 });
		const run = await runNode(sandbox, withOptions({}, { items: urlItems(urls(30)) }));
		expect(run.status).toBe('error');
		expect(run.error?.message).toBe('The Crustdata account is out of credits');
		expect(run.error?.description).toBe(
			'Top up credits in the Crustdata dashboard, then run the node again for the remaining items. ' +
				'This run could cost up to 30 credits and the account had 10 credits before it. ' +
				'The run had spent 25 credits and enriched 25 inputs; a node that stops outputs nothing, so set On Error to Continue to keep what it enriches.',
		);
	});

	it('says, when the run could cost more than the account holds, and still goes', async () => {
		sandbox.configure({ creditBudget: 10 });
		const run = await runNode(sandbox, withOptions({}, { items: urlItems(urls(30)), onError: 'continueRegularOutput' }));
		expect(enrichRequests(sandbox).length).toBeGreaterThan(0);
		expect(run.hints.map((hint) => hint.message)).toContainEqual(
			expect.stringMatching(/^This run could cost up to 30 credits and the account had 10 credits before it/),
		);
	});
});
