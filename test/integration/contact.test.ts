import type { IDataObject } from 'n8n-workflow';

import type { Sandbox } from '../sandbox/server';
import { CONTACT_INPUTS, CONTACT_MATCHED, contactOf } from './contactPeople';
import { profileUrl, runNode, urlItems, useSandbox, type RunOptions } from './runNode';

// Contact data on both API generations, through n8n's engine and real HTTP to the sandbox:
// generation 1 serves it with the profile, generation 2 only from /person/contact/enrich.

const currentSandbox = useSandbox({ rateLimit: null });
let sandbox: Sandbox;
beforeEach(() => {
	sandbox = currentSandbox();
});

const ENRICH = '/person/enrich';
const CONTACT = '/person/contact/enrich';
const requestsTo = (path: string) => sandbox.requests.filter((request) => request.path === path);
const bodiesTo = (path: string) => requestsTo(path).map((request) => request.body as IDataObject);
const billable = () => sandbox.requests.filter((request) => request.path.startsWith('/person/'));


const withContact = (contactFields: string[], extra: RunOptions = {}): RunOptions => ({
	items: urlItems(CONTACT_INPUTS),
	...extra,
	parameters: { fields: ['basic_profile', 'contact'], contactFields, ...extra.parameters },
});

/** The contact data the sandbox's contact endpoint gives `url`, for the tiers asked. */
async function contactEndpointAnswer(url: string, fields: string[]) {
	const response = await fetch(`${sandbox.url}${CONTACT}`, {
		method: 'POST',
		headers: { authorization: `Bearer ${sandbox.apiKey}`, 'x-api-version': '2025-11-01', 'content-type': 'application/json' },
		body: JSON.stringify({ professional_network_profile_urls: [url], fields }),
	});
	const [entry] = JSON.parse(await response.text()) as Array<{ matches: Array<{ person_data: { contact: IDataObject } }> }>;
	return entry.matches[0].person_data.contact;
}

describe('generation 1: contact data with the profile', () => {
	it('asks /person/enrich for the chosen tiers only, as dot-paths, in one round trip', async () => {
		const run = await runNode(sandbox, withContact(['business_emails', 'phone_numbers']));
		expect(run.status).toBe('success');
		expect(bodiesTo(ENRICH)).toEqual([
			expect.objectContaining({ fields: ['basic_profile', 'contact.business_emails', 'contact.phone_numbers'] }),
		]);
		expect(requestsTo(CONTACT)).toEqual([]);
		const matched = run.outputs[0].filter((item) => item.json.match_status === 'matched');
		expect(matched).toHaveLength(4);
		for (const item of matched) expect(Object.keys(contactOf(item.json))).toEqual(['business_emails', 'phone_numbers']);
		const nils = matched.find((item) => item.json.matched_on === profileUrl('nocontact-nils'));
		expect(contactOf(nils!.json)).toEqual({ business_emails: [], phone_numbers: [] });
	});

	it('says so when emails cannot be verified because the account has no contact endpoint', async () => {
		const run = await runNode(sandbox, withContact(['business_emails'], { parameters: { options: { verifiedEmailsOnly: true } } }));
		expect(run.status).toBe('success');
		expect(requestsTo(CONTACT)).toEqual([]);
		expect(bodiesTo(ENRICH)[0].fields).toEqual(['basic_profile', 'contact.business_emails']);
		expect(run.hints.map((hint) => hint.message)).toContainEqual(expect.stringMatching(/^Business emails were not re-checked/));
	});
});

describe('generation 2: contact data from /person/contact/enrich', () => {
	beforeEach(() => sandbox.configure({ apiGeneration: 2, shuffle: true }));

	it('enriches without contact, then asks the contact endpoint for the chosen tiers of the matched profiles only', async () => {
		const run = await runNode(sandbox, withContact(['business_emails', 'phone_numbers']));
		expect(run.status).toBe('success');
		expect(bodiesTo(ENRICH)).toEqual([expect.objectContaining({ fields: ['basic_profile'] })]);
		const contactBodies = bodiesTo(CONTACT);
		expect(contactBodies).toHaveLength(1);
		expect(contactBodies[0].fields).toEqual(['contact.business_emails', 'contact.phone_numbers']);
		expect(contactBodies[0]).not.toHaveProperty('verified');
		expect([...(contactBodies[0].professional_network_profile_urls as string[])].sort()).toEqual([...CONTACT_MATCHED].sort());
	});

	it('merges each profile its own contact data, with every chosen tier, whatever the order of the answers', async () => {
		const run = await runNode(sandbox, withContact(['business_emails', 'personal_emails', 'phone_numbers', 'websites']));
		const items = run.outputs[0];
		expect(items.map((item) => item.json.match_status)).toEqual(['matched', 'not_found', 'matched', 'matched', 'redacted', 'matched']);
		const tiers = ['contact.business_emails', 'contact.personal_emails', 'contact.phone_numbers', 'contact.websites'];
		for (const index of [0, 2, 3, 5]) {
			const { json } = items[index];
			expect(Object.keys(contactOf(json))).toEqual(['business_emails', 'personal_emails', 'phone_numbers', 'websites']);
			expect(contactOf(json)).toEqual(await contactEndpointAnswer(json.matched_on as string, tiers));
		}
		expect(contactOf(items[5].json)).toEqual({ business_emails: [], personal_emails: [], phone_numbers: [], websites: [] });
		expect((contactOf(items[3].json).business_emails as unknown[]).length).toBeGreaterThan(0);
		expect(items[1].json.person_data).toBeNull();
	});

	it('adds the credits of both endpoints in the summary, with the split', async () => {
		const run = await runNode(sandbox, withContact(['business_emails']));
		const profileCredits = requestsTo(ENRICH).reduce((sum, request) => sum + (request.creditsUsed ?? 0), 0);
		const contactCredits = requestsTo(CONTACT).reduce((sum, request) => sum + (request.creditsUsed ?? 0), 0);
		expect(contactCredits).toBeGreaterThan(0);
		expect(run.hints[0].message).toContain(
			`${profileCredits + contactCredits} credits (${profileCredits} credits for profiles, ${contactCredits} ${contactCredits === 1 ? 'credit' : 'credits'} for contact data)`,
		);
		expect(run.hints[0].message).toMatch(/in 2 requests/);
	});

	it('sends verified when Verified Emails Only is on', async () => {
		await runNode(sandbox, withContact(['business_emails'], { parameters: { options: { verifiedEmailsOnly: true } } }));
		expect(bodiesTo(CONTACT)[0]).toHaveProperty('verified', true);
	});

	it('asks the contact endpoint about each matched profile once, in batches of 25', async () => {
		const urls = Array.from({ length: 60 }, (_, i) => profileUrl(`contact-batch-${i}`));
		const run = await runNode(sandbox, { ...withContact(['business_emails']), items: urlItems([...urls, ...urls]) });
		expect(run.status).toBe('success');
		const asked = bodiesTo(CONTACT).map((body) => body.professional_network_profile_urls as string[]);
		expect(asked.map((batch) => batch.length).sort((a, b) => b - a)).toEqual([25, 25, 10]);
		expect(new Set(asked.flat()).size).toBe(60);
		expect(run.outputs[0]).toHaveLength(120);
		expect(run.outputs[0].every((item) => Array.isArray(contactOf(item.json).business_emails))).toBe(true);
	});

	it('stops before spending when the plan has contact data nowhere', async () => {
		sandbox.configure({ disabledEndpoints: [CONTACT] });
		const run = await runNode(sandbox, withContact(['business_emails']));
		expect(run.error?.message).toBe('Your Crustdata plan has no contact data');
		expect(run.error?.description).toMatch(/Remove Contact from Fields/);
		expect(billable()).toEqual([]);
	});

	it('keeps every profile when a contact request fails for good, with contact_error in place of the contact data', async () => {
		// The listing says the endpoint is there, but the endpoint refuses.
		sandbox.configure({ disabledEndpoints: [CONTACT], accountEndpointsAnswer: { status: 500, body: {} } });
		const run = await runNode(sandbox, withContact(['business_emails'], { onError: 'continueRegularOutput' }));
		const matched = run.outputs[0].filter((item) => item.json.match_status === 'matched');
		expect(matched).toHaveLength(4);
		for (const item of matched) {
			expect(item.json.contact_error).toBe('Could not get contact data: Your Crustdata plan has no contact data');
			expect((item.json.person_data as IDataObject).basic_profile).toBeDefined();
			expect(item.json.person_data).not.toHaveProperty('contact');
		}
	});

	it('fails with the contact error when the node stops on errors', async () => {
		sandbox.configure({ disabledEndpoints: [CONTACT], accountEndpointsAnswer: { status: 500, body: {} } });
		const run = await runNode(sandbox, withContact(['business_emails']));
		expect(run.error?.message).toBe('Could not get contact data: Your Crustdata plan has no contact data');
	});

	it('fails with the out-of-credits error of the contact pass when the node stops on errors', async () => {
		sandbox.configure({ creditBudget: 3 });
		const run = await runNode(sandbox, withContact(['business_emails']));
		expect(run.error?.message).toBe('Could not get contact data: The Crustdata account is out of credits');
	});

	it('asks for the contact data of the first profiles while later profiles are still being enriched', async () => {
		// Two requests a second on each endpoint: the profile pass needs a second window.
		sandbox.configure({ rateLimit: { limit: 2, windowMs: 1_000 } });
		const urls = Array.from({ length: 100 }, (_, i) => profileUrl(`contact-pipeline-${i}`));
		const run = await runNode(sandbox, { ...withContact(['business_emails']), items: urlItems(urls) });
		expect(run.status).toBe('success');
		const lastProfileRequest = Math.max(...requestsTo(ENRICH).map((request) => request.at));
		const firstContactRequest = Math.min(...requestsTo(CONTACT).map((request) => request.at));
		expect(requestsTo(ENRICH)).toHaveLength(4);
		expect(firstContactRequest).toBeLessThan(lastProfileRequest - 500);
	});

	it("keeps both endpoints together under the key's limit across endpoints", async () => {
		// 15 a minute on each endpoint, 4 a minute for the key: 4 profile and 4 contact requests
		// (one identifier each) take two minutes' windows, with no 429 from the key's window.
		sandbox.configure({ rateLimit: { limit: 15, windowMs: 60_000 }, tokenRateLimit: 4 });
		const urls = ['a', 'b', 'c', 'd'].map((slug) => profileUrl(`key-limit-${slug}`));
		const parameters = { fields: ['basic_profile', 'contact'], contactFields: ['business_emails'], options: { batchSize: 1 } };
		const run = await runNode(sandbox, { items: urlItems(urls), parameters });
		expect(run.status).toBe('success');
		const sent = billable();
		expect(sent.map((request) => request.status)).toEqual(Array(8).fill(200));
		expect(requestsTo(CONTACT)).toHaveLength(4);
		expect(sent[4].at - sent[0].at).toBeGreaterThanOrEqual(59_000);
		// A real minute's window: on a loaded CI machine the second window's answers can come late.
	}, 180_000);

	it('loses no profile when credits run out during the contact pass', async () => {
		// The profile request costs 3 credits (3 unique matches); nothing is left for contact data.
		sandbox.configure({ creditBudget: 3 });
		const run = await runNode(sandbox, withContact(['business_emails'], { onError: 'continueRegularOutput' }));
		const items = run.outputs[0];
		expect(items.filter((item) => item.json.match_status === 'matched')).toHaveLength(4);
		for (const item of items.filter((candidate) => candidate.json.match_status === 'matched')) {
			expect(item.json.contact_error).toBe('Could not get contact data: The Crustdata account is out of credits');
		}
		expect(requestsTo(CONTACT).map((request) => request.status)).toEqual([402]);
	});
});

describe('generation 2, business emails with Contact', () => {
	beforeEach(() => sandbox.configure({ apiGeneration: 2 }));

	const emailRun = (returnMatches: 'all' | 'best') =>
		runNode(sandbox, {
			items: [{ email: 'multi.person@acme.io' }, { email: 'jane.doe@acme.io' }, { email: 'nomatch.nobody@acme.io' }],
			parameters: {
				identifierType: 'businessEmail',
				businessEmail: '={{ $json.email }}',
				fields: ['basic_profile', 'contact'],
				options: { returnMatches },
			},
		});
	/** The profile URL of each candidate of an email, as the sandbox's profile endpoint gives it. */
	async function candidateUrl(email: string, confidence: number): Promise<string> {
		const response = await fetch(`${sandbox.url}${ENRICH}`, {
			method: 'POST',
			headers: { authorization: `Bearer ${sandbox.apiKey}`, 'x-api-version': '2025-11-01', 'content-type': 'application/json' },
			body: JSON.stringify({ business_emails: [email], fields: ['social_handles'] }),
		});
		const [entry] = JSON.parse(await response.text()) as Array<{
			matches: Array<{ confidence_score: number; person_data: { social_handles: { professional_network_identifier: { profile_url: string } } } }>;
		}>;
		const match = entry.matches.find((candidate) => candidate.confidence_score === confidence);
		return match!.person_data.social_handles.professional_network_identifier.profile_url;
	}
	const urlsOf = async (items: Array<{ json: IDataObject }>) =>
		await Promise.all(items.map(async ({ json }) => await candidateUrl(json.matched_on as string, json.confidence_score as number)));

	it("asks the profile for its URL itself, then the contact endpoint about each candidate's profile", async () => {
		const run = await emailRun('all');
		expect(bodiesTo(ENRICH)[0].fields).toEqual([
			'basic_profile',
			'experience.employment_details.current.company_website_domain',
			'social_handles.professional_network_identifier.profile_url',
		]);
		const items = run.outputs[0].filter((item) => item.json.match_status === 'matched');
		expect(items).toHaveLength(4);
		const asked = bodiesTo(CONTACT).flatMap((body) => body.professional_network_profile_urls as string[]);
		const urls = await urlsOf(items);
		expect(asked.sort()).toEqual([...urls].sort());
		for (const [index, item] of items.entries()) {
			expect(contactOf(item.json)).toEqual(await contactEndpointAnswer(urls[index], ['contact.business_emails']));
			// The URL and the employers' domains were for the node: the user asked for Basic Profile and Contact only.
			expect(Object.keys(item.json.person_data as object).sort()).toEqual(['basic_profile', 'contact', 'crustdata_person_id']);
		}
	});

	it('asks only about the candidate that Best Match Only keeps', async () => {
		const run = await emailRun('best');
		const asked = bodiesTo(CONTACT).flatMap((body) => body.professional_network_profile_urls as string[]);
		expect(asked).toHaveLength(2);
		expect(asked.sort()).toEqual((await urlsOf(run.outputs[0].filter((item) => item.json.person_data))).sort());
	});
});

describe('generation 2 when the account listing cannot tell', () => {
	beforeEach(() => sandbox.configure({ apiGeneration: 2, accountEndpointsAnswer: 'drop' }));

	it.each([
		['a 400 listing the available fields', 'reject400'],
		['a 403 naming contact', 'deny403'],
		['profiles without the contact section', 'omit'],
	] as const)('moves to the contact endpoint after %s, billing no profile twice', async (_case, contactOnEnrich) => {
		sandbox.configure({ contactOnEnrich });
		const run = await runNode(sandbox, withContact(['business_emails', 'phone_numbers'], { parameters: { options: { batchSize: 2 } } }));
		expect(run.status).toBe('success');
		const answered = requestsTo(ENRICH).filter((request) => request.status === 200);
		const profilesAnswered = answered.flatMap((request) => (request.body as IDataObject).professional_network_profile_urls as string[]);
		expect(profilesAnswered.sort()).toEqual([...new Set(profilesAnswered)].sort());
		const askedForContact = bodiesTo(CONTACT).flatMap((body) => body.professional_network_profile_urls as string[]);
		expect(askedForContact.sort()).toEqual([...CONTACT_MATCHED].sort());
		const matched = run.outputs[0].filter((item) => item.json.match_status === 'matched');
		for (const item of matched) {
			expect(contactOf(item.json)).toEqual(
				await contactEndpointAnswer(item.json.matched_on as string, ['contact.business_emails', 'contact.phone_numbers']),
			);
		}
		expect(run.hints.map((hint) => hint.message)).toContainEqual(expect.stringContaining('so the run asked /person/contact/enrich instead'));
	});
});

describe('business emails on an account that no longer looks people up by email', () => {
	it('fails every input with one message, and sends nothing else', async () => {
		sandbox.configure({ apiGeneration: 2, emailLookupEnabled: false });
		const emails = Array.from({ length: 30 }, (_, i) => `person.${i}@acme.io`);
		const run = await runNode(sandbox, {
			items: emails.map((email) => ({ email })),
			parameters: { identifierType: 'businessEmail', businessEmail: '={{ $json.email }}' },
			onError: 'continueRegularOutput',
		});
		const errors = new Set(run.outputs[0].map((item) => item.json.error));
		expect([...errors]).toEqual(['Crustdata no longer looks people up by business email on this account']);
		expect(run.outputs[0]).toHaveLength(30);
		expect(requestsTo(ENRICH).length).toBeLessThanOrEqual(2);
	});
});
