import type { IDataObject } from 'n8n-workflow';

import type { Sandbox } from '../sandbox/server';
import { CONTACT_INPUTS, CONTACT_MATCHED, contactOf } from './contactPeople';
import { profileUrl, runNode, urlItems, useSandbox, type RunOptions } from './runNode';

// Contact data with Enrich in Batch Jobs, through n8n's engine and real HTTP to the sandbox:
// generation 1 serves it in the profile job, generation 2 from contact batch jobs (and websites
// from /person/contact/enrich). The output must be what Enrich gives for the same people.

const currentSandbox = useSandbox({ rateLimit: null });
let sandbox: Sandbox;
beforeEach(() => {
	sandbox = currentSandbox();
});

const PROFILE_JOBS = '/batch/person/enrich';
const CONTACT_JOBS = '/batch/person/contact/enrich';
const CONTACT = '/person/contact/enrich';
const posts = (path: string) => sandbox.requests.filter((request) => request.method === 'POST' && request.path === path);
const bodies = (path: string) => posts(path).map((request) => request.body as IDataObject);
const billable = () => sandbox.requests.filter((request) => request.method === 'POST');
const askedFor = (path: string) => bodies(path).flatMap((body) => body.professional_network_profile_urls as string[]);


const withContact = (contactFields: string[], extra: RunOptions = {}): RunOptions => ({
	items: urlItems(CONTACT_INPUTS),
	...extra,
	parameters: {
		operation: 'enrichBatch',
		identifierType: 'profileUrl',
		profileUrl: '={{ $json.url }}',
		fields: ['basic_profile', 'contact'],
		contactFields,
		...extra.parameters,
	},
});

/**
 * Each matched row's contact data, as the batch contact endpoint gives emails: `{ email, status }`
 * (the synchronous endpoint adds `last_updated` and the company). Batch jobs do not tell redacted
 * from unknown, so only matches are compared.
 */
function matchedContact(items: Array<{ json: IDataObject }>) {
	const email = (entry: IDataObject) => ({ email: entry.email, status: entry.status });
	return items
		.filter((item) => item.json.match_status === 'matched')
		.map((item) => {
			const contact = { ...contactOf(item.json) };
			for (const tier of ['business_emails', 'personal_emails']) if (Array.isArray(contact[tier])) contact[tier] = (contact[tier] as IDataObject[]).map(email);
			return [item.json.matched_on, contact];
		});
}

/** What Enrich delivers for the same inputs and tiers: batch jobs must deliver the same contact data. */
async function enrichContact(contactFields: string[]) {
	const run = await runNode(sandbox, withContact(contactFields, { parameters: { operation: 'enrich' } }));
	return matchedContact(run.outputs[0]);
}

describe('batch jobs on generation 1: contact data in the profile job', () => {
	it('asks the profile job for the chosen tiers, sends no contact job, and gives every tier', async () => {
		const run = await runNode(sandbox, withContact(['business_emails', 'phone_numbers']));
		expect(run.status).toBe('success');
		expect(bodies(PROFILE_JOBS)).toEqual([expect.objectContaining({ fields: ['basic_profile', 'contact.business_emails', 'contact.phone_numbers'] })]);
		expect(posts(CONTACT_JOBS)).toEqual([]);
		const nils = run.outputs[0].find((item) => item.json.matched_on === profileUrl('nocontact-nils'));
		expect(contactOf(nils!.json)).toEqual({ business_emails: [], phone_numbers: [] });
		const delivered = matchedContact(run.outputs[0]);
		expect(delivered).toHaveLength(4);
		sandbox.reset();
		expect(delivered).toEqual(await enrichContact(['business_emails', 'phone_numbers']));
	});
});

describe('batch jobs on generation 2: contact data from contact batch jobs', () => {
	beforeEach(() => sandbox.configure({ apiGeneration: 2 }));

	it('asks contact jobs for the matched profiles only, each once, in their own field names', async () => {
		const run = await runNode(sandbox, withContact(['business_emails', 'personal_emails', 'phone_numbers']));
		expect(run.status).toBe('success');
		expect(bodies(PROFILE_JOBS)).toEqual([expect.objectContaining({ fields: ['basic_profile'] })]);
		expect(bodies(CONTACT_JOBS)).toEqual([
			{
				professional_network_profile_urls: expect.any(Array),
				fields: ['business_email', 'personal_contact_info.personal_emails', 'personal_contact_info.phone_numbers'],
			},
		]);
		expect([...askedFor(CONTACT_JOBS)].sort()).toEqual([...CONTACT_MATCHED].sort());
		expect(posts(CONTACT)).toEqual([]);
	});

	it.each(['envelope', 'bare'] as const)('delivers contact data as Enrich does, websites from the contact endpoint, with records %s', async (contactRecords) => {
		const tiers = ['business_emails', 'personal_emails', 'phone_numbers', 'websites'];
		sandbox.configure({ batch: { contactRecords } });
		const run = await runNode(sandbox, withContact(tiers));
		expect(run.status).toBe('success');
		expect([...askedFor(CONTACT)].sort()).toEqual([...CONTACT_MATCHED].sort());
		expect(bodies(CONTACT).every((body) => JSON.stringify(body.fields) === '["contact.websites"]')).toBe(true);
		const delivered = matchedContact(run.outputs[0]);
		expect(delivered).toHaveLength(4);
		expect(Object.keys(contactOf(run.outputs[0][3].json))).toEqual(tiers);
		expect((contactOf(run.outputs[0][3].json).websites as unknown[]).length).toBeGreaterThan(0);
		sandbox.reset();
		sandbox.configure({ apiGeneration: 2 });
		expect(delivered).toEqual(await enrichContact(tiers));
	});

	it('bills only the contact values delivered, and names the contact jobs in the summary', async () => {
		const run = await runNode(sandbox, withContact(['business_emails']));
		const [contactJob] = posts(CONTACT_JOBS);
		const withEmail = run.outputs[0].filter((item) => item.json.person_data && (contactOf(item.json).business_emails as unknown[]).length > 0);
		const uniqueWithEmail = new Set(withEmail.map((item) => item.json.matched_on)).size;
		expect(contactJob.creditsUsed).toBe(uniqueWithEmail);
		const contactJobId = (contactJob.answer?.body as IDataObject).batch_id as string;
		expect(run.hints[0].message).toMatch(new RegExp(`in 2 batch jobs \\(.*${contactJobId}.*\\)`));
	});

	it('sends contact jobs of at most 300 profiles, each profile once, while keeping every duplicate row', async () => {
		const urls = Array.from({ length: 320 }, (_, index) => profileUrl(`contact-batch-${index}`));
		const run = await runNode(sandbox, { ...withContact(['phone_numbers']), items: urlItems([...urls, ...urls.slice(0, 20)]) });
		expect(run.status).toBe('success');
		const jobs = bodies(CONTACT_JOBS).map((body) => (body.professional_network_profile_urls as string[]).length);
		expect(jobs.sort((a, b) => b - a)).toEqual([300, 20]);
		expect(new Set(askedFor(CONTACT_JOBS)).size).toBe(320);
		expect(run.outputs[0]).toHaveLength(340);
		expect(run.outputs[0].every((item) => Array.isArray(contactOf(item.json).phone_numbers))).toBe(true);
	});

	it('never spends past Max Credits with contact data, and fails the inputs the cap leaves out', async () => {
		// 1 credit a profile + 1 business email + 2 phone numbers: 4 at worst, so 10 credits afford 2 lookups.
		const run = await runNode(sandbox, withContact(['business_emails', 'phone_numbers'], { onError: 'continueRegularOutput', parameters: { options: { maxCredits: 10 } } }));
		expect(run.status).toBe('success');
		expect(sandbox.creditsUsed).toBeLessThanOrEqual(10);
		expect(bodies(PROFILE_JOBS)[0].professional_network_profile_urls).toHaveLength(2);
		const capped = run.outputs[0].filter((item) => item.json.error === 'Not sent: the credit cap of 10 would be exceeded');
		expect(capped.map((item) => item.pairedItem)).toEqual([{ item: 3 }, { item: 4 }, { item: 5 }]);
	});

	it('submits nothing in a dry run, and counts the contact jobs and the websites requests', async () => {
		const run = await runNode(sandbox, withContact(['business_emails', 'websites'], { parameters: { options: { dryRun: true } } }));
		expect(run.status).toBe('success');
		expect(billable()).toEqual([]);
		expect(run.outputs[0][0].json).toMatchObject({ dry_run: true, unique_identifiers: 5, requests: 3, max_credits: 10, estimated_seconds: null });
	});

	it('keeps every profile when a contact job fails, with contact_error naming its batch ID', async () => {
		sandbox.configure({ batchFaults: { failJobs: [null, { error_message: 'Internal processing error' }] } });
		const run = await runNode(sandbox, withContact(['business_emails'], { onError: 'continueRegularOutput' }));
		expect(run.status).toBe('success');
		const [, contactJob] = sandbox.requests.filter((request) => request.method === 'POST');
		const contactJobId = (contactJob.answer?.body as IDataObject).batch_id as string;
		const matched = run.outputs[0].filter((item) => item.json.match_status === 'matched');
		expect(matched).toHaveLength(4);
		for (const item of matched) {
			expect(item.json.contact_error).toBe(`Could not get contact data: Crustdata's batch job ${contactJobId} failed: Internal processing error`);
			expect(item.json.person_data).not.toHaveProperty('contact');
		}
	});

	it("asks the profile job for an email match's profile URL itself, asks a contact job about it, and leaves the URL out of the output", async () => {
		const run = await runNode(sandbox, {
			items: [{ email: 'jane.doe@acme.io' }, { email: 'nomatch.nobody@acme.io' }],
			parameters: { operation: 'enrichBatch', identifierType: 'businessEmail', businessEmail: '={{ $json.email }}', fields: ['basic_profile', 'contact'] },
		});
		expect(run.status).toBe('success');
		expect(bodies(PROFILE_JOBS)[0].fields).toEqual([
			'basic_profile',
			'experience.employment_details.current.company_website_domain',
			'social_handles.professional_network_identifier.profile_url',
		]);
		expect(askedFor(CONTACT_JOBS)).toHaveLength(1);
		const [jane] = run.outputs[0];
		expect(Object.keys(jane.json.person_data as IDataObject).sort()).toEqual(['basic_profile', 'contact', 'crustdata_person_id']);
		expect(Array.isArray(contactOf(jane.json).business_emails)).toBe(true);
	});
});
